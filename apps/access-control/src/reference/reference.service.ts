import { Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { REFERENCE_NAME_PATTERN, TopicName, isJsonObject, referenceTopicKey, DomainException, ErrorCode } from '@streamgate/contracts';
import type { ReferenceRow } from '@streamgate/contracts';
import { ControlOutbox } from '../control/control-outbox';
import { ControlReconciler } from '../control/control-reconciler.service';
import { AuditService } from '../audit/audit.service';
import { Transactions } from '../database/transactions';
import { ReferenceRepository } from './reference.repository';

const MAX_ROW_BYTES = 64 * 1024;

/** Reference tables for `lookup` steps: rows in PostgreSQL, replicated on control.reference. */
@Injectable()
export class ReferenceService implements OnApplicationBootstrap {
  constructor(
    private readonly rows: ReferenceRepository,
    private readonly transactions: Transactions,
    private readonly outbox: ControlOutbox,
    private readonly reconciler: ControlReconciler,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconciler.reconcile(TopicName.ControlReference, async (em) => {
      const rows = await this.rows.list(undefined, em);
      return new Map(rows.map((r) => [referenceTopicKey(r.table, r.key), { table: r.table, key: r.key, row: r.row } satisfies ReferenceRow]));
    });
  }

  async list(table: string): Promise<ReferenceRow[]> {
    checkNames(table);
    const rows = await this.rows.list(table);
    return rows.map((r) => ({ table: r.table, key: r.key, row: r.row }));
  }

  async put(table: string, key: string, row: unknown, actor: string): Promise<ReferenceRow> {
    checkNames(table, key);
    if (!isJsonObject(row)) throw new DomainException(ErrorCode.InvalidRow, 'a reference row is a JSON object');
    if (Buffer.byteLength(JSON.stringify(row)) > MAX_ROW_BYTES) throw new DomainException(ErrorCode.RowTooLarge, `a reference row is at most ${MAX_ROW_BYTES} bytes`);
    const value: ReferenceRow = { table, key, row };
    await this.transactions.run(async (em) => {
      const before = await this.rows.find(em, table, key);
      await this.rows.save(em, table, key, row);
      await this.audit.record(em, { actor, action: before ? 'reference.update' : 'reference.create', targetType: 'reference', targetId: referenceTopicKey(table, key), before: before?.row, after: row });
      await this.outbox.add(em, TopicName.ControlReference, [{ key: referenceTopicKey(table, key), value }]);
    });
    return value;
  }

  async remove(table: string, key: string, actor: string): Promise<void> {
    checkNames(table, key);
    await this.transactions.run(async (em) => {
      const before = await this.rows.find(em, table, key);
      if (!before) throw new DomainException(ErrorCode.RowNotFound, `no row ${key} in table ${table}`);
      await this.rows.delete(em, table, key);
      await this.audit.record(em, { actor, action: 'reference.delete', targetType: 'reference', targetId: referenceTopicKey(table, key), before: before.row, after: null });
      await this.outbox.add(em, TopicName.ControlReference, [{ key: referenceTopicKey(table, key), value: null }]);
    });
  }
}

function checkNames(...names: string[]): void {
  for (const name of names) {
    if (!REFERENCE_NAME_PATTERN.test(name)) throw new DomainException(ErrorCode.InvalidReferenceName, `${JSON.stringify(name)} must match ${REFERENCE_NAME_PATTERN}`);
  }
}
