import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import type { Tx } from '../database/transactions';
import { ApiKeyEntity } from './api-key.entity';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Active (unrevoked) keys of one partner, or of every partner. */
  active(partnerId: string | undefined, tx: Tx = this.dataSource.manager): Promise<ApiKeyEntity[]> {
    return tx.getRepository(ApiKeyEntity).findBy({ ...(partnerId === undefined ? {} : { partnerId }), revokedAt: IsNull() });
  }

  countActive(tx: Tx, partnerId: string): Promise<number> {
    return tx.getRepository(ApiKeyEntity).countBy({ partnerId, revokedAt: IsNull() });
  }

  activeById(id: string): Promise<ApiKeyEntity | null> {
    return this.dataSource.getRepository(ApiKeyEntity).findOneBy({ id, revokedAt: IsNull() });
  }

  ofPartner(partnerId: string): Promise<ApiKeyEntity[]> {
    return this.dataSource.getRepository(ApiKeyEntity).find({ where: { partnerId }, order: { createdAt: 'ASC' } });
  }

  /** FOR UPDATE: a revocation holds the key until it commits. */
  findLocked(tx: Tx, partnerId: string, id: string): Promise<ApiKeyEntity | null> {
    return tx.getRepository(ApiKeyEntity).findOne({ where: { id, partnerId }, lock: { mode: 'pessimistic_write' } });
  }

  save(tx: Tx, key: Partial<ApiKeyEntity>): Promise<ApiKeyEntity> {
    return tx.getRepository(ApiKeyEntity).save(key) as Promise<ApiKeyEntity>;
  }

  async deleteOfPartner(tx: Tx, partnerId: string): Promise<void> {
    await tx.getRepository(ApiKeyEntity).delete({ partnerId });
  }

  /** Moves each key's last use forward (never back), from usage events. */
  async touch(lastUsed: Map<string, string>): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
         FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id`,
      [[...lastUsed.keys()], [...lastUsed.values()]],
    );
  }
}
