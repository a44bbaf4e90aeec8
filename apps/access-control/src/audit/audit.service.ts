import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ApiError } from '@streamgate/service';
import { AuditEntryEntity } from './audit-entry.entity';

export interface AuditChange {
  actor: string;
  action: string;
  targetType: 'stream' | 'reference' | 'partner' | 'key' | 'entitlement';
  targetId: string;
  before: unknown;
  after: unknown;
}

export interface AuditView extends Omit<AuditChange, 'before' | 'after'> {
  id: string;
  at: string;
  before: unknown;
  after: unknown;
}

/** Every admin change, written in the transaction of the change itself (never a secret). */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(em: EntityManager, change: AuditChange): Promise<void> {
    const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
    await em.query('INSERT INTO audit_log (actor, action, target_type, target_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)', [
      change.actor,
      change.action,
      change.targetType,
      change.targetId,
      json(change.before),
      json(change.after),
    ]);
  }

  /** Newest first; `before` pages back by entry id. */
  async list(query: { limit?: string; before?: string; targetType?: string; targetId?: string }): Promise<AuditView[]> {
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) throw new ApiError(400, 'INVALID_QUERY', 'limit must be 1..1000');
    if (query.before !== undefined && !/^\d+$/.test(query.before)) throw new ApiError(400, 'INVALID_QUERY', 'before must be an entry id');
    const rows = await this.dataSource.getRepository(AuditEntryEntity).find({
      where: {
        ...(query.before ? { id: LessThan(query.before) } : {}),
        ...(query.targetType ? { targetType: query.targetType } : {}),
        ...(query.targetId ? { targetId: query.targetId } : {}),
      },
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, targetType: r.targetType as AuditChange['targetType'], targetId: r.targetId, before: r.before, after: r.after }));
  }
}
