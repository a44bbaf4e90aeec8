import { recordsEnrichedCodec } from '@streamgate/contracts';
import type { Envelope } from '@streamgate/contracts';
import { provisionTopics } from '@streamgate/kafka';
import type { Admin, Kafka } from '@streamgate/kafka';
import { testKafka, uniqueName } from '@streamgate/testing';
import { readRanges } from './kafka-range-reader';

const envelope = (n: number): Envelope => ({ id: `r-${n}`, stream: 'ticks', key: 'k', time: new Date(0).toISOString(), ingestedAt: new Date(0).toISOString(), data: { n }, meta: {} });

// records.enriched is written in transactions: each commit leaves a marker at an offset of its
// own, which no reader ever receives as a record.
describe('readRanges over a transactional topic', () => {
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;

  beforeAll(async () => {
    kafka = testKafka('it-range-reader', { quiet: true });
    admin = kafka.admin();
    await admin.connect();
    topic = uniqueName('records.enriched.');
    await provisionTopics(admin, [{ topic, partitions: 1, compacted: false }]);
    const producer = kafka.producer({ transactionalId: uniqueName('it-range-reader-'), idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, maxRetryTime: 2_000 } });
    await producer.connect();
    for (const n of [0, 1]) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: [recordsEnrichedCodec.encode(envelope(n), 'k')] });
      await transaction.commit();
    }
    await producer.disconnect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  it('ends a range whose last offset is a commit marker (offsets: record 0, marker 1, record 2, marker 3)', async () => {
    const [end] = await admin.fetchTopicOffsets(topic);
    expect(end?.high).toBe('4');
    const read: string[] = [];
    await readRanges(kafka, topic, uniqueName('it-range-'), [{ partition: 0, from: 0, to: 4 }], (_p, records) => void read.push(...records.map((r) => r.id)), { idleTimeoutMs: 10_000 });
    expect(read).toEqual(['r-0', 'r-1']);
  });

  it('ends a range holding nothing but a marker', async () => {
    const read: string[] = [];
    await readRanges(kafka, topic, uniqueName('it-range-'), [{ partition: 0, from: 3, to: 4 }], (_p, records) => void read.push(...records.map((r) => r.id)), { idleTimeoutMs: 10_000 });
    expect(read).toEqual([]);
  });
});
