import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { controlCodecOf } from '@streamgate/contracts';
import type { ControlTopicName, ControlEntry as KeyedValue, TopicPayloads } from '@streamgate/contracts';

/** A control record of topic T under its key (null value: a tombstone), serialized by the topic's codec. */
export type ControlEntry<T extends ControlTopicName> = KeyedValue<TopicPayloads[T]>;

/** Channel on which a commit that wrote outbox rows wakes every relay (NOTIFY is sent at commit only). */
export const OUTBOX_CHANNEL = 'control_outbox';

// Two-int advisory lock keys (a key space apart from the one-bigint locks other apps use).
const TOPIC_LOCKS = 0x5347_0001;
const KEY_LOCKS = 0x5347_0002;
export const RELAY_LOCK: [number, number] = [0x5347_0003, 0];

/**
 * The transactional outbox of the control topics. A change writes its control records with
 * `add` inside its own transaction, so they exist only if it commits; the relay publishes
 * committed rows in id order.
 *
 * Ordering: `add` takes a transaction lock per (topic, key) before inserting, so two changes of
 * one key insert and commit one after the other: for a key, id order is commit order, which is
 * all a compacted topic needs. It also takes its topic's lock shared; start-up reconciliation
 * takes it exclusive (`lockTopic`) while it reads the database and writes its rows, so its
 * snapshot is never older than a change whose rows come before its own.
 */
@Injectable()
export class ControlOutbox {
  /** Locks the keys before a caller computes their values from the database (a per-partner snapshot). */
  async lock(em: EntityManager, topic: ControlTopicName, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await em.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [TOPIC_LOCKS, topic]);
    // Sorted, so that two changes locking several keys never wait on each other in a cycle.
    await em.query(`SELECT pg_advisory_xact_lock($1, hashtext($2 || '/' || k.k)) FROM unnest($3::text[]) AS k(k)`, [KEY_LOCKS, topic, [...new Set(keys)].sort()]);
  }

  async add<T extends ControlTopicName>(em: EntityManager, topic: T, entries: Array<ControlEntry<T>>): Promise<void> {
    if (entries.length === 0) return;
    await this.lock(em, topic, entries.map((e) => e.key));
    await this.insert(em, topic, entries);
  }

  /** Excludes every writer of the topic until the transaction ends (reconciliation). */
  async lockTopic(em: EntityManager, topic: ControlTopicName): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [TOPIC_LOCKS, topic]);
  }

  /** Inserts without taking key locks: for a caller holding the topic lock exclusively. */
  async insert<T extends ControlTopicName>(em: EntityManager, topic: T, entries: Array<ControlEntry<T>>): Promise<void> {
    if (entries.length === 0) return;
    // Encoding checks each value against its contract: a bad one fails the change, never reaches the topic.
    const codec = controlCodecOf(topic);
    const messages = entries.map((entry) => codec.encode(entry));
    await em.query(
      `INSERT INTO control_outbox (topic, key, value)
       SELECT $1, e.key, e.value FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS e(key, value, n) ORDER BY e.n`,
      [topic, messages.map((m) => m.key), messages.map((m) => m.value)],
    );
    await em.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, topic]);
  }
}
