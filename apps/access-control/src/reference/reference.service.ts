import { Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REFERENCE_NAME_PATTERN, TopicName, isJsonObject, referenceTopicKey } from '@streamgate/contracts';
import type { ReferenceRow } from '@streamgate/contracts';
import { ApiError } from '@streamgate/service';
import { ControlPublisher } from '../control/control-publisher.service';
import { ControlReconciler } from '../control/control-reconciler.service';
import { AuditService } from '../audit/audit.service';
import { ReferenceRowEntity } from './reference-row.entity';

const MAX_ROW_BYTES = 64 * 1024;

/** Reference tables for `lookup` steps: rows in PostgreSQL, replicated on control.reference. */
@Injectable()
export class ReferenceService implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: ControlPublisher,
    private readonly reconciler: ControlReconciler,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rows = await this.dataSource.getRepository(ReferenceRowEntity).find();
    await this.reconciler.reconcile(
      TopicName.ControlReference,
      new Map(rows.map((r) => [referenceTopicKey(r.table, r.key), { table: r.table, key: r.key, row: r.row } satisfies ReferenceRow])),
    );
  }

  async list(table: string): Promise<ReferenceRow[]> {
    checkNames(table);
    const rows = await this.dataSource.getRepository(ReferenceRowEntity).find({ where: { table }, order: { key: 'ASC' } });
    return rows.map((r) => ({ table: r.table, key: r.key, row: r.row }));
  }

  async put(table: string, key: string, row: unknown, actor: string): Promise<ReferenceRow> {
    checkNames(table, key);
    if (!isJsonObject(row)) throw new ApiError(400, 'INVALID_ROW', 'a reference row is a JSON object');
    if (Buffer.byteLength(JSON.stringify(row)) > MAX_ROW_BYTES) throw new ApiError(413, 'ROW_TOO_LARGE', `a reference row is at most ${MAX_ROW_BYTES} bytes`);
    const value: ReferenceRow = { table, key, row };
    await this.dataSource.transaction(async (em) => {
      const before = await em.getRepository(ReferenceRowEntity).findOneBy({ table, key });
      await em.getRepository(ReferenceRowEntity).save({ table, key, row });
      await this.audit.record(em, { actor, action: before ? 'reference.update' : 'reference.create', targetType: 'reference', targetId: referenceTopicKey(table, key), before: before?.row, after: row });
      await this.publisher.publish(TopicName.ControlReference, [{ key: referenceTopicKey(table, key), value }]);
    });
    return value;
  }

  async remove(table: string, key: string, actor: string): Promise<void> {
    checkNames(table, key);
    await this.dataSource.transaction(async (em) => {
      const before = await em.getRepository(ReferenceRowEntity).findOneBy({ table, key });
      if (!before) throw new ApiError(404, 'ROW_NOT_FOUND', `no row ${key} in table ${table}`);
      await em.getRepository(ReferenceRowEntity).delete({ table, key });
      await this.audit.record(em, { actor, action: 'reference.delete', targetType: 'reference', targetId: referenceTopicKey(table, key), before: before.row, after: null });
      await this.publisher.publish(TopicName.ControlReference, [{ key: referenceTopicKey(table, key), value: null }]);
    });
  }
}

function checkNames(...names: string[]): void {
  for (const name of names) {
    if (!REFERENCE_NAME_PATTERN.test(name)) throw new ApiError(400, 'INVALID_REFERENCE_NAME', `${JSON.stringify(name)} must match ${REFERENCE_NAME_PATTERN}`);
  }
}
