import type { Kafka } from 'kafkajs';
import type { Envelope } from '@streamgate/contracts';
import { waitFor } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TopicReader } from '@streamgate/testing';
import { currentUsage } from './e2e-helpers';

/** Ids that occur more than once, each listed once. */
export function duplicateIds(ids: Iterable<string>): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) (seen.has(id) ? repeated : seen).add(id);
  return [...repeated];
}

/** Records delivered on `stream` as metering's usage API reports them (all partners, this month ± a day). */
export async function meteredDeliveries(platform: TestPlatform, stream: string): Promise<number> {
  return (await currentUsage(platform, stream)).reduce((sum, row) => sum + row.recordsDelivered, 0);
}

/** The metered count once it has stopped moving (three equal reads `intervalMs` apart). */
export async function settledMeteredDeliveries(platform: TestPlatform, stream: string, { timeoutMs = 30_000, intervalMs = 1_500 } = {}): Promise<number> {
  const reads: number[] = [];
  return waitFor('metered deliveries to settle', async () => {
    reads.push(await meteredDeliveries(platform, stream));
    const last = reads.slice(-3);
    return last.length === 3 && last.every((n) => n === last[0]) && { value: last[0] as number };
  }, { timeoutMs, intervalMs }).then((r) => r.value);
}

export interface TopicRecord {
  id: string;
  partition: number;
  offset: number;
}

/**
 * The records on each topic, read from the beginning by a read_committed consumer (kafkajs'
 * default): aborted transactional writes are not seen, as no consumer of the platform sees
 * them. Reads until every expected id is there and nothing more arrives for two reads.
 */
/** The first duplicated ids with the partition:offset of each copy. */
export function duplicatePlaces(records: TopicRecord[], limit = 5): Array<{ id: string; at: string[] }> {
  return duplicateIds(records.map((r) => r.id))
    .slice(0, limit)
    .map((id) => ({ id, at: records.filter((r) => r.id === id).map((r) => `${r.partition}:${r.offset}`) }));
}

export async function readTopics(kafka: Kafka, topics: Record<string, string>, expected: string[], { timeoutMs = 60_000 } = {}): Promise<Record<string, TopicRecord[]>> {
  const reader = await TopicReader.start(kafka, Object.values(topics));
  // An Envelope's id, else (a source topic) the producer's id header.
  const read = (topic: string): TopicRecord[] => reader.on(topic).map((m) => ({
    id: (JSON.parse(m.value?.toString('utf8') ?? '{}') as Partial<Envelope>).id ?? m.headers.id ?? '',
    partition: m.partition,
    offset: Number(m.offset),
  }));
  try {
    let last = -1;
    await waitFor(`every id on ${Object.values(topics).join(', ')}`, async () => {
      const count = reader.messages.length;
      const stable = count === last;
      last = count;
      return stable && Object.values(topics).every((topic) => {
        const ids = new Set(read(topic).map((r) => r.id));
        return expected.every((id) => ids.has(id));
      });
    }, { timeoutMs, intervalMs: 1_000 }).catch(() => undefined);
    return Object.fromEntries(Object.entries(topics).map(([name, topic]) => [name, read(topic)]));
  } finally {
    await reader.stop();
  }
}

export interface Gap {
  partition: number;
  /** Offsets of records.enriched the subscriber never received, first and last (inclusive). */
  from: number;
  to: number;
  /** When (seconds on the test's clock) the subscriber received the records around the gap. */
  lastBeforeAt?: number;
  firstAfterAt?: number;
}

/** Runs of records.enriched offsets the subscriber never received, per partition: where records went missing, and when. */
export function subscriberGaps(enriched: TopicRecord[], received: Array<{ pos: string; at: number }>, limit = 10): Gap[] {
  const receivedAt = new Map(received.map((r) => [r.pos, r.at]));
  const gaps: Gap[] = [];
  const partitions = [...new Set(enriched.map((r) => r.partition))].sort((a, b) => a - b);
  for (const partition of partitions) {
    const offsets = enriched.filter((r) => r.partition === partition).map((r) => r.offset).sort((a, b) => a - b);
    let open: Gap | undefined;
    let lastAt: number | undefined;
    for (const offset of offsets) {
      const at = receivedAt.get(`${partition}:${offset}`);
      if (at === undefined) {
        if (open) open.to = offset;
        else open = { partition, from: offset, to: offset, lastBeforeAt: lastAt };
      } else {
        if (open) gaps.push({ ...open, firstAfterAt: at });
        open = undefined;
        lastAt = at;
      }
    }
    if (open) gaps.push(open);
  }
  return gaps.slice(0, limit);
}

/** Each app's GET /health/ready status (0 when it does not answer). */
export async function readiness(platform: TestPlatform): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.values(platform.apps).map(async (app) => {
      const status = await fetch(`${app.url}/health/ready`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0);
      return [app.app, status] as const;
    }),
  );
  return Object.fromEntries(entries);
}
