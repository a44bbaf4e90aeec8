import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntitlementPolicy } from '@streamgate/contracts';
import type { Tx } from '../database/transactions';
import { EntitlementEntity } from './entitlement.entity';

@Injectable()
export class EntitlementsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A partner's entitlements by stream name. */
  ofPartner(partnerId: string, tx: Tx = this.dataSource.manager): Promise<EntitlementEntity[]> {
    return tx.getRepository(EntitlementEntity).find({ where: { partnerId }, order: { stream: 'ASC' } });
  }

  find(tx: Tx, partnerId: string, stream: string): Promise<EntitlementEntity | null> {
    return tx.getRepository(EntitlementEntity).findOneBy({ partnerId, stream });
  }

  ofStream(tx: Tx, stream: string): Promise<EntitlementEntity[]> {
    return tx.getRepository(EntitlementEntity).findBy({ stream });
  }

  /** FOR SHARE: a concurrent stream delete (FOR UPDATE) waits, so no entitlement outlives its stream. */
  async streamExistsLocked(tx: Tx, stream: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM streams WHERE name = $1 FOR SHARE', [stream])).length > 0;
  }

  async save(tx: Tx, partnerId: string, stream: string, policy: EntitlementPolicy): Promise<void> {
    await tx.getRepository(EntitlementEntity).save({ partnerId, stream, policy });
  }

  async delete(tx: Tx, partnerId: string, stream: string): Promise<void> {
    await tx.getRepository(EntitlementEntity).delete({ partnerId, stream });
  }

  async deleteStream(tx: Tx, stream: string): Promise<void> {
    await tx.getRepository(EntitlementEntity).delete({ stream });
  }
}
