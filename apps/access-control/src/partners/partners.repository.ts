import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transactions';
import { PartnerEntity } from './partner.entity';

@Injectable()
export class PartnersRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(tx: Tx = this.dataSource.manager): Promise<PartnerEntity[]> {
    return tx.getRepository(PartnerEntity).find({ order: { createdAt: 'ASC' } });
  }

  /** `lock`: FOR UPDATE until the transaction ends, so changes of one partner take turns. */
  find(id: string, tx: Tx = this.dataSource.manager, lock = false): Promise<PartnerEntity | null> {
    return tx.getRepository(PartnerEntity).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  save(tx: Tx, partner: Partial<PartnerEntity>): Promise<PartnerEntity> {
    return tx.getRepository(PartnerEntity).save(partner) as Promise<PartnerEntity>;
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await tx.getRepository(PartnerEntity).delete({ id });
  }
}
