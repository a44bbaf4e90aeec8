import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JsonObject } from '@streamgate/contracts';
import type { Tx } from '../database/transactions';
import { ReferenceRowEntity } from './reference-row.entity';

@Injectable()
export class ReferenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One table's rows by key, or every row when `table` is undefined. */
  list(table: string | undefined, tx: Tx = this.dataSource.manager): Promise<ReferenceRowEntity[]> {
    return tx.getRepository(ReferenceRowEntity).find({ where: table === undefined ? {} : { table }, order: { key: 'ASC' } });
  }

  find(tx: Tx, table: string, key: string): Promise<ReferenceRowEntity | null> {
    return tx.getRepository(ReferenceRowEntity).findOneBy({ table, key });
  }

  async save(tx: Tx, table: string, key: string, row: JsonObject): Promise<void> {
    await tx.getRepository(ReferenceRowEntity).save({ table, key, row });
  }

  async delete(tx: Tx, table: string, key: string): Promise<void> {
    await tx.getRepository(ReferenceRowEntity).delete({ table, key });
  }
}
