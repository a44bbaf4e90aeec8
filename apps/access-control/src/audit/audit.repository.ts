import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import type { Tx } from '../database/transactions';
import { AuditEntryEntity } from './audit-entry.entity';

export interface AuditInsert {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tx: Tx, entry: AuditInsert): Promise<void> {
    const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
    await tx.query('INSERT INTO audit_log (actor, action, target_type, target_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)', [
      entry.actor,
      entry.action,
      entry.targetType,
      entry.targetId,
      json(entry.before),
      json(entry.after),
    ]);
  }

  /** Newest first, below `before` (an entry id) when given. */
  list(filter: { before?: string; targetType?: string; targetId?: string }, limit: number): Promise<AuditEntryEntity[]> {
    return this.dataSource.getRepository(AuditEntryEntity).find({
      where: {
        ...(filter.before ? { id: LessThan(filter.before) } : {}),
        ...(filter.targetType ? { targetType: filter.targetType } : {}),
        ...(filter.targetId ? { targetId: filter.targetId } : {}),
      },
      order: { id: 'DESC' },
      take: limit,
    });
  }
}
