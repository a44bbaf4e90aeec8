import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ContractViolation, usageEventsCodec } from '@streamgate/contracts';
import type { UsageEvent } from '@streamgate/contracts';
import { aggregateUsage } from './usage-aggregation';
import type { AdjustmentRow, MinuteRow } from './usage-aggregation';

export interface ApplyResult {
  /** Set when the batch starts after the stored offset: nothing was applied, seek back there. */
  gapFrom?: string;
  counted: number;
  duplicates: number;
  stale: number;
  invalid: Array<{ offset: string; reason: string }>;
  partners: Set<string>;
}

/** Shared by usage writes, taken exclusively by a period close: no write lands in a period as it closes. */
export const PERIODS_LOCK = 728_301;

/**
 * Exactly-once counting of usage.events into PostgreSQL (Kafka's pattern for an external
 * store): in one transaction, skip what the stored offset says was done, claim event ids,
 * add the newly claimed events to the aggregates, and move the stored offset. The offset row is
 * locked first, so a stale consumer after a rebalance waits and then skips (compare-and-set),
 * and an id is claimed only by the transaction that counts it.
 */
@Injectable()
export class UsageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Forgets counted event ids older than `cutoff` (ISO time); how many went. */
  async forgetIdsBefore(cutoff: string): Promise<number> {
    const [, affected] = (await this.dataSource.query('DELETE FROM usage_event_ids WHERE counted_at < $1', [cutoff])) as [unknown, number];
    return affected ?? 0;
  }

  async storedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
    const rows: Array<{ partition: number; next_offset: string }> = await this.dataSource.query(
      'SELECT partition, next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2',
      [groupId, topic],
    );
    return new Map(rows.map((r) => [r.partition, String(r.next_offset)]));
  }

  async apply(
    source: { groupId: string; topic: string; partition: number },
    messages: Array<{ offset: string; value: Buffer | null }>,
    timeZoneOf: (partnerId: string) => string,
  ): Promise<ApplyResult> {
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock_shared($1)', [PERIODS_LOCK]);
      const next = await this.lockOffset(em, source);
      const fresh = messages.filter((m) => BigInt(m.offset) >= next);
      const result: ApplyResult = { counted: 0, duplicates: 0, stale: messages.length - fresh.length, invalid: [], partners: new Set() };
      if (fresh.length === 0) return result;
      // Kafka is ahead of what was counted (a seek to the stored offset was missed): never skip a gap.
      if (BigInt((fresh[0] as { offset: string }).offset) > next && next > 0n) return { ...result, gapFrom: next.toString() };
      const events: UsageEvent[] = [];
      for (const message of fresh) {
        try {
          events.push(usageEventsCodec.decode(message));
        } catch (error) {
          result.invalid.push({ offset: message.offset, reason: error instanceof ContractViolation ? error.message : String(error) });
        }
      }
      const claimed = await this.claim(em, events.map((e) => e.id));
      const counted: UsageEvent[] = [];
      for (const event of events) {
        if (claimed.delete(event.id)) counted.push(event);
      }
      result.counted = counted.length;
      result.duplicates = events.length - counted.length;
      if (counted.length > 0) {
        const closed = new Set((await em.query('SELECT period FROM closed_periods')).map((r: { period: string }) => r.period));
        const { rows, adjustments } = aggregateUsage(counted, { timeZoneOf, isClosed: (p) => closed.has(p) });
        await this.upsertMinutes(em, rows);
        await this.insertAdjustments(em, adjustments);
        for (const event of counted) result.partners.add(event.partnerId);
      }
      const last = fresh[fresh.length - 1] as { offset: string };
      await em.query('UPDATE consumer_offsets SET next_offset = $4, updated_at = now() WHERE group_id = $1 AND topic = $2 AND partition = $3', [
        source.groupId,
        source.topic,
        source.partition,
        (BigInt(last.offset) + 1n).toString(),
      ]);
      return result;
    });
  }

  /** Records delivered and replayed in [start, end), plus adjustments booked on `period` (what quotas count). */
  async recordsUsed(partnerId: string, start: Date, end: Date, period: string): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT COALESCE(SUM(records_delivered + records_replayed), 0)::float8 AS used FROM usage_minute WHERE partner_id = $1 AND minute >= $2 AND minute < $3`,
      [partnerId, start.toISOString(), end.toISOString()],
    )) as Array<{ used: number }>;
    const [adjusted] = (await this.dataSource.query(
      `SELECT COALESCE(SUM(records_delivered + records_replayed), 0)::float8 AS used FROM usage_adjustments WHERE partner_id = $1 AND booked_period = $2`,
      [partnerId, period],
    )) as Array<{ used: number }>;
    return Number(row?.used ?? 0) + Number(adjusted?.used ?? 0);
  }

  private async lockOffset(em: EntityManager, source: { groupId: string; topic: string; partition: number }): Promise<bigint> {
    const params = [source.groupId, source.topic, source.partition];
    await em.query('INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING', params);
    const [row] = await em.query('SELECT next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE', params);
    return BigInt((row as { next_offset: string }).next_offset);
  }

  /** Returns the ids this transaction claimed (never before seen); duplicates inside the batch claim once. */
  private async claim(em: EntityManager, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await em.query('INSERT INTO usage_event_ids (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING id', [ids]);
    return new Set(rows.map((r) => r.id));
  }

  private async upsertMinutes(em: EntityManager, rows: MinuteRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <T>(pick: (r: MinuteRow) => T) => rows.map(pick);
    await em.query(
      `INSERT INTO usage_minute AS u (partner_id, stream, minute, records_delivered, bytes_delivered, records_published, bytes_published, records_replayed, connection_seconds, peak_connections)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::numeric[], $10::int[])
       ON CONFLICT (partner_id, stream, minute) DO UPDATE SET
         records_delivered = u.records_delivered + EXCLUDED.records_delivered,
         bytes_delivered = u.bytes_delivered + EXCLUDED.bytes_delivered,
         records_published = u.records_published + EXCLUDED.records_published,
         bytes_published = u.bytes_published + EXCLUDED.bytes_published,
         records_replayed = u.records_replayed + EXCLUDED.records_replayed,
         connection_seconds = u.connection_seconds + EXCLUDED.connection_seconds,
         peak_connections = GREATEST(u.peak_connections, EXCLUDED.peak_connections)`,
      [
        col((r) => r.partnerId),
        col((r) => r.stream),
        col((r) => r.minute.toISOString()),
        col((r) => r.counters.recordsDelivered),
        col((r) => r.counters.bytesDelivered),
        col((r) => r.counters.recordsPublished),
        col((r) => r.counters.bytesPublished),
        col((r) => r.counters.recordsReplayed),
        col((r) => r.counters.connectionSeconds),
        col((r) => r.peakConnections),
      ],
    );
  }

  private async insertAdjustments(em: EntityManager, rows: AdjustmentRow[]): Promise<void> {
    for (const r of rows) {
      await em.query(
        `INSERT INTO usage_adjustments (partner_id, stream, minute, original_period, booked_period, records_delivered, bytes_delivered, records_published, bytes_published, records_replayed, connection_seconds, event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [r.partnerId, r.stream, r.minute.toISOString(), r.originalPeriod, r.bookedPeriod, r.counters.recordsDelivered, r.counters.bytesDelivered, r.counters.recordsPublished, r.counters.bytesPublished, r.counters.recordsReplayed, r.counters.connectionSeconds, r.eventId],
      );
    }
  }
}
