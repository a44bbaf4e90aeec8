import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { TopicName, Topics } from '@streamgate/contracts';
import type { AppName, Envelope } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TopicReader, expectEventually, testKafka } from '@streamgate/testing';
import { createStream } from './e2e-helpers';

const RECORDS = 10_000;
const KEYS = 50;

// Nothing lost: every record produced ends in records.enriched or records.dlq, even when an
// app is SIGKILLed in the middle of the stream; per key, order holds.
describe('crash recovery (SIGKILL mid-stream, 10,000 records)', () => {
  let platform: TestPlatform;
  let topics: Topics;
  let producer: Producer;
  let reader: TopicReader;

  beforeAll(async () => {
    platform = await startPlatform({ apps: ['access-control', 'ingest', 'enrichment'] });
    topics = new Topics(platform.prefix);
    await createStream(platform, { name: 'orders', schema: { type: 'object', required: ['n'] }, enrich: [{ op: 'derive', into: 'data.double', expr: 'data.n * 2' }] });
    const kafka = testKafka('e2e-crash');
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    reader = await TopicReader.start(kafka, [topics.name(TopicName.RecordsEnriched), topics.name(TopicName.RecordsDlq)]);
  });

  afterAll(async () => {
    await reader?.stop();
    await producer?.disconnect();
    await platform?.stop();
  });

  // Every 97th record is malformed (its key is its id, so its dead letter can be found).
  async function produceAll(prefix: string, victim: AppName): Promise<void> {
    for (let from = 0; from < RECORDS; from += 500) {
      if (from === 3_000) await platform.apps[victim].kill();
      if (from === 6_000) await platform.apps[victim].start();
      await producer.send({
        topic: topics.source('orders'),
        acks: -1,
        messages: Array.from({ length: 500 }, (_, j) => {
          const n = from + j;
          const id = `${prefix}-${n}`;
          return n % 97 === 0 ? { key: id, value: '{"n": oops}', headers: { id } } : { key: `k${n % KEYS}`, value: JSON.stringify({ n }), headers: { id } };
        }),
      });
    }
  }

  function assertComplete(prefix: string): void {
    const enriched = reader.json<Envelope>(topics.name(TopicName.RecordsEnriched)).filter((e) => e.id.startsWith(`${prefix}-`));
    const dead = reader.on(topics.name(TopicName.RecordsDlq)).filter((m) => m.key?.startsWith(`${prefix}-`));
    const seen = new Set([...enriched.map((e) => e.id), ...dead.map((m) => m.key)]);
    const missing = Array.from({ length: RECORDS }, (_, n) => `${prefix}-${n}`).filter((id) => !seen.has(id));
    expect(missing).toEqual([]);
    expect(dead.every((m) => m.headers.reason === 'INVALID_JSON')).toBe(true);
    expect(enriched.every((e) => e.data.double === (e.data.n as number) * 2)).toBe(true);

    // Per key, the first arrival of each record is in production order (redelivery may repeat a tail).
    const byKey = new Map<string, number[]>();
    for (const e of enriched) byKey.set(e.key ?? '', [...(byKey.get(e.key ?? '') ?? []), e.data.n as number]);
    for (const ns of byKey.values()) {
      const first = ns.filter((n, i) => ns.indexOf(n) === i);
      expect(first).toEqual([...first].sort((a, b) => a - b));
    }
    process.stdout.write(`${prefix}: ${enriched.length} enriched (${enriched.length - new Set(enriched.map((e) => e.id)).size} redelivered), ${dead.length} dead letters\n`);
  }

  it.each(['ingest', 'enrichment'] as const)('loses nothing when %s is SIGKILLed', async (victim) => {
    const prefix = `kill-${victim}`;
    await produceAll(prefix, victim);
    await expectEventually(() => assertComplete(prefix), { timeoutMs: 120_000, intervalMs: 500 });
  });
});
