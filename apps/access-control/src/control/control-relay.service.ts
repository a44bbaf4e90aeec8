import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { TopicName } from '@streamgate/contracts';
import { Topics } from '@streamgate/contracts';
import { RecordProducer } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { OUTBOX_CHANNEL, RELAY_LOCK } from './control-outbox';

const BATCH = 500;
/** Fallback when a notification is missed (listener reconnecting): changes still reach Kafka within this. */
const POLL_MS = 500;
/** A relay that finds another one publishing looks again this soon: that one may have read before our commit. */
const BUSY_RETRY_MS = 25;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;

type TopicMessages = Parameters<RecordProducer['sendBatch']>[0][number];

interface OutboxRow {
  id: string;
  topic: TopicName;
  key: string;
  value: string | null;
}

/**
 * Publishes committed outbox rows to the control topics, oldest first, then deletes them.
 *
 * Every instance runs a relay, but one pass at a time publishes: a pass holds a transaction
 * advisory lock (pg_try_advisory_xact_lock) from reading the rows until their delete commits.
 * That keeps id order across instances (a second relay could otherwise send a key's newer row
 * before another sent its older one) without a leader to elect or fail over: whichever
 * instance wakes next simply takes the next pass. A commit that wrote rows NOTIFYs every
 * relay; a poll catches a missed notification. A failed pass rolls back (rows stay), backs off
 * (100 ms doubling to 5 s), and retries until it succeeds: rows are never dropped, and a pass
 * that sent but failed to delete resends the same prefix in the same order (harmless).
 */
@Injectable()
export class ControlRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ControlRelay.name);
  private readonly published = this.metrics.counter('streamgate_access_control_outbox_published_total', 'Control records published from the outbox', ['topic']);
  private readonly failures = this.metrics.counter('streamgate_access_control_outbox_failures_total', 'Outbox relay passes that failed (retried with backoff)');
  private readonly pending = this.metrics.gauge('streamgate_access_control_outbox_pending', 'Control records committed but not yet published');
  private readonly oldest = this.metrics.gauge('streamgate_access_control_outbox_oldest_seconds', 'Age of the oldest unpublished control record');
  private listener?: Client;
  private poller?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private requested = false;
  private failed = 0;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    this.poller = setInterval(() => this.wake(), POLL_MS);
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    clearTimeout(this.retry);
    await this.listener?.end().catch(() => undefined);
    await this.draining;
  }

  /** Publishes what is committed now; a wake during a pass runs one more pass after it. */
  wake(): void {
    this.requested = true;
    if (this.draining || this.retry || this.stopped) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.requested && !this.retry) this.wake();
    });
  }

  private async drain(): Promise<void> {
    while (this.requested && !this.stopped) {
      this.requested = false;
      let sent: number | 'busy';
      try {
        sent = await this.pass();
      } catch (error) {
        this.failed++;
        this.failures.inc();
        const retryInMs = Math.min(BACKOFF_MIN_MS * 2 ** (this.failed - 1), BACKOFF_MAX_MS);
        this.logger.error({ msg: 'control outbox relay failed', attempt: this.failed, retryInMs, error: (error as Error).message });
        this.later(retryInMs);
        return;
      }
      if (this.failed > 0) this.logger.log({ msg: 'control outbox relay recovered', after: this.failed });
      this.failed = 0;
      if (sent === 'busy') return this.later(BUSY_RETRY_MS);
      if (sent === BATCH) this.requested = true;
    }
  }

  private later(ms: number): void {
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.wake();
    }, ms);
  }

  private async pass(): Promise<number | 'busy'> {
    return this.dataSource.transaction(async (em) => {
      const [{ locked }] = (await em.query('SELECT pg_try_advisory_xact_lock($1, $2) AS locked', RELAY_LOCK)) as Array<{ locked: boolean }>;
      if (!locked) return 'busy';
      const rows: OutboxRow[] = await em.query('SELECT id, topic, key, value FROM control_outbox ORDER BY id LIMIT $1', [BATCH]);
      if (rows.length > 0) {
        // Run by run, each acknowledged before the next: strict id order across topics too, so
        // a partner's key tombstones reach readers before its entitlements' (as they were written).
        for (const run of this.runs(rows)) await this.producer.sendBatch([run]);
        await em.query('DELETE FROM control_outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        for (const row of rows) this.published.inc({ topic: row.topic });
      }
      const [state] = (await em.query(
        'SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8 AS oldest FROM control_outbox',
      )) as Array<{ pending: number; oldest: number }>;
      this.pending.set(state?.pending ?? 0);
      this.oldest.set(state?.oldest ?? 0);
      return rows.length;
    });
  }

  /** Consecutive rows of one topic, in id order. */
  private runs(rows: OutboxRow[]): TopicMessages[] {
    const runs: TopicMessages[] = [];
    for (const row of rows) {
      const topic = this.topics.name(row.topic);
      const last = runs.at(-1);
      if (last?.topic === topic) last.messages.push({ key: row.key, value: row.value });
      else runs.push({ topic, messages: [{ key: row.key, value: row.value }] });
    }
    return runs;
  }

  /** A dedicated connection LISTENs for commits; when it drops, the poll carries on until it is back. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: (this.dataSource.options as { url?: string }).url });
    const lost = (error?: Error) => {
      if (this.listener !== client || this.stopped) return;
      this.listener = undefined;
      this.logger.warn({ msg: 'control outbox listener lost; polling until it reconnects', error: error?.message });
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen(), 1_000).unref();
    };
    client.on('notification', () => this.wake());
    client.on('error', lost);
    client.on('end', () => lost());
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      lost(error as Error);
    }
  }
}
