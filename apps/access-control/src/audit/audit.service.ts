import { DomainException, ErrorCode } from '@streamgate/contracts';
import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import { AuditRepository } from './audit.repository';

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
  constructor(private readonly entries: AuditRepository) {}

  async record(tx: Tx, change: AuditChange): Promise<void> {
    await this.entries.insert(tx, change);
  }

  /** Newest first; `before` pages back by entry id. */
  async list(query: { limit?: string; before?: string; targetType?: string; targetId?: string }): Promise<AuditView[]> {
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) throw new DomainException(ErrorCode.InvalidQuery, 'limit must be 1..1000');
    if (query.before !== undefined && !/^\d+$/.test(query.before)) throw new DomainException(ErrorCode.InvalidQuery, 'before must be an entry id');
    const rows = await this.entries.list(query, limit);
    return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, targetType: r.targetType as AuditChange['targetType'], targetId: r.targetId, before: r.before, after: r.after }));
  }
}
