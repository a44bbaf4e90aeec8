import { isDeepStrictEqual } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { Topics, controlCodecOf } from '@streamgate/contracts';
import type { ControlTopicName, TopicPayloads } from '@streamgate/contracts';
import { ControlTable, KAFKA, KAFKA_ADMIN } from '@streamgate/kafka';
import type { Admin, Kafka } from '@streamgate/kafka';
import { ControlOutbox } from './control-outbox';
import type { ControlEntry } from './control-outbox';

/**
 * Test hook only: holds reconciliation between reading the database and writing its records,
 * so the two-instance e2e test can revoke a key inside that window every time.
 */
const TEST_DELAY_MS = Number(process.env.STREAMGATE_TEST_RECONCILE_DELAY_MS ?? 0) || 0;

/**
 * Makes a control topic equal to the database at start-up (a topic recreated or truncated, rows
 * written before the outbox existed). It goes through the outbox like every change: it reads
 * the topic, then, in one transaction holding the topic's outbox lock exclusively, reads the
 * database and writes the differences as outbox rows. Writers of that topic wait meanwhile, so
 * a revocation either committed before the snapshot (and is in it) or comes after it (and its
 * tombstone follows the reconciliation's rows): a revoked key or entitlement is never republished.
 */
/** Stands for a row on the topic that breaks its contract: equal to no expected value. */
const UNREADABLE = Symbol('unreadable control record');

@Injectable()
export class ControlReconciler {
  private readonly logger = new Logger(ControlReconciler.name);

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly topics: Topics,
    private readonly dataSource: DataSource,
    private readonly outbox: ControlOutbox,
  ) {}

  /** `load` reads the topic's expected content inside the locked transaction. */
  async reconcile<T extends ControlTopicName>(topic: T, load: (em: EntityManager) => Promise<Map<string, TopicPayloads[T]>>): Promise<void> {
    const current = await this.read(topic);
    const changes = await this.dataSource.transaction(async (em) => {
      await this.outbox.lockTopic(em, topic);
      const expected = await load(em);
      if (TEST_DELAY_MS > 0) await sleep(TEST_DELAY_MS);
      const changes: Array<ControlEntry<T>> = [];
      for (const [key, value] of expected) if (!isDeepStrictEqual(current.get(key), value)) changes.push({ key, value });
      for (const key of current.keys()) if (!expected.has(key)) changes.push({ key, value: null });
      await this.outbox.insert(em, topic, changes);
      return changes.length;
    });
    if (changes > 0) this.logger.log({ msg: 'control topic reconciled', topic, changes });
  }

  /** The topic's rows; a row that breaks its contract reads as UNREADABLE, so it is rewritten or tombstoned. */
  private async read<T extends ControlTopicName>(topic: T): Promise<Map<string, TopicPayloads[T] | typeof UNREADABLE>> {
    const unreadable = new Set<string>();
    const table = new ControlTable(this.kafka, this.admin, {
      topic: this.topics.name(topic),
      groupPrefix: `${this.topics.prefix}streamgate.access-control.reconcile`,
      parse: controlCodecOf(topic).decodeValue,
      onChange: (key) => unreadable.delete(key),
      onInvalid: (key) => unreadable.add(key),
      // Read once and stopped right away: a stop waits for the fetch in flight.
      maxWaitTimeInMs: 100,
    });
    await table.start();
    const current = new Map<string, TopicPayloads[T] | typeof UNREADABLE>(table.entries());
    await table.stop();
    for (const key of unreadable) current.set(key, UNREADABLE);
    return current;
  }
}
