import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StreamDefinition } from '@streamgate/contracts';
import type { Tx } from '../database/transactions';
import { StreamEntity } from './stream.entity';

@Injectable()
export class StreamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(tx: Tx = this.dataSource.manager): Promise<StreamDefinition[]> {
    return (await tx.getRepository(StreamEntity).find({ order: { name: 'ASC' } })).map((r) => r.definition);
  }

  /** `lock`: FOR UPDATE, held until the transaction ends (a replace or delete of the stream). */
  find(name: string, tx: Tx = this.dataSource.manager, lock = false): Promise<StreamEntity | null> {
    return tx.getRepository(StreamEntity).findOne({ where: { name }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  /** The other stream that already reads `topic`, if any. */
  ownerOfSource(tx: Tx, topic: string, except: string): Promise<StreamEntity | null> {
    return tx.getRepository(StreamEntity).createQueryBuilder('s').where(`s.definition->'source'->>'topic' = :topic AND s.name <> :name`, { topic, name: except }).getOne();
  }

  async save(tx: Tx, definition: StreamDefinition): Promise<void> {
    await tx.getRepository(StreamEntity).save({ name: definition.name, definition, version: definition.version });
  }

  async delete(tx: Tx, name: string): Promise<void> {
    await tx.getRepository(StreamEntity).delete({ name });
  }
}
