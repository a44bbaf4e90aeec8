import { createHmac } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { TopicName, Topics } from '@streamgate/contracts';
import type { Envelope } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import { provisionTopics } from '@streamgate/kafka';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TopicReader, expectEventually, testKafka } from '@streamgate/testing';
import type { TestSubscriber } from '@streamgate/testing';
import { createStream, subscribed } from './e2e-helpers';

const MAX_RECORD_BYTES = 4096;
// At least 32 characters: enrichment refuses a shorter REDACT_HASH_KEY.
const HASH_KEY = 'e2e-redact-hmac-key-0123456789abcdef';

// Ingest validation, dead letters and the four enrichment steps, through the running apps.
describe('ingest and enrichment pipeline', () => {
  let platform: TestPlatform;
  let topics: Topics;
  let producer: Producer;
  let reader: TopicReader;
  let subscriber: TestSubscriber;

  beforeAll(async () => {
    platform = await startPlatform({ env: { MAX_RECORD_BYTES: String(MAX_RECORD_BYTES), REDACT_HASH_KEY: HASH_KEY } });
    topics = new Topics(platform.prefix);
    const kafka = testKafka('e2e-pipeline');
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await platform.admin.put('/v1/reference/instruments/ACME', { name: 'Acme Corp', venue: 'XNAS' });
    await createStream(platform, {
      name: 'trades',
      schema: {
        type: 'object',
        required: ['symbol', 'price', 'qty'],
        properties: { symbol: { type: 'string' }, price: { type: 'number', exclusiveMinimum: 0 }, qty: { type: 'integer' }, trader: { type: 'string' } },
      },
      enrich: [
        { op: 'lookup', table: 'instruments', key: 'data.symbol', into: 'meta.instrument', onError: 'dlq' },
        { op: 'derive', into: 'data.notional', expr: 'data.price * data.qty' },
        { op: 'redact', paths: ['data.trader'], mode: 'hash' },
        { op: 'pick', paths: ['data.symbol', 'data.price', 'data.qty', 'data.notional', 'data.trader'] },
      ],
    });
    reader = await TopicReader.start(kafka, [topics.name(TopicName.RecordsDlq), topics.name(TopicName.RecordsEnriched)]);
    subscriber = await subscribed(platform, { stream: 'trades' });
  });

  afterAll(async () => {
    subscriber?.close();
    await reader?.stop();
    await producer?.disconnect();
    await platform?.stop();
  });

  const send = (topic: string, messages: Array<{ key?: string; value: string; headers?: Record<string, string> }>) =>
    producer.send({ topic, acks: -1, messages });

  it('validates, enriches with all four steps and delivers', async () => {
    await send(topics.source('trades'), [{ key: 'ACME', value: JSON.stringify({ symbol: 'ACME', price: 10.5, qty: 4, trader: 'alice', desk: 'x' }), headers: { id: 'ok-1' } }]);
    const record = await expectEventually(() => {
      const found = subscriber.records.find((r) => r.id === 'ok-1');
      expect(found).toBeDefined();
      return found!;
    }, { timeoutMs: 30_000 });
    expect(record.data).toEqual({
      symbol: 'ACME',
      price: 10.5,
      qty: 4,
      notional: 42,
      trader: `hmac-sha256:${createHmac('sha256', HASH_KEY).update('"alice"').digest('hex')}`,
    });
    expect(record.meta).toEqual({ instrument: { name: 'Acme Corp', venue: 'XNAS' }, enrichedAt: expect.any(String) });
  });

  it('reports each hop on /metrics: the age of the records it handled and its lag behind the log', async () => {
    await send(topics.source('trades'), [{ key: 'ACME', value: JSON.stringify({ symbol: 'ACME', price: 1, qty: 1 }), headers: { id: 'hop-1' } }]);
    await expectEventually(() => expect(subscriber.records.some((r) => r.id === 'hop-1')).toBe(true), { timeoutMs: 30_000 });
    for (const [app, consumer] of [['ingest', 'ingest'], ['enrichment', 'enrichment'], ['delivery', 'delivery']] as const) {
      const metrics = await (await fetch(`${platform.url(app)}/metrics`)).text();
      const handled = Number(new RegExp(`streamgate_consumer_record_age_seconds_count\\{consumer="${consumer}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
      expect(handled).toBeGreaterThanOrEqual(1);
      // Caught up: every partition it read from was at the end of the log at its last fetch.
      const lags = [...metrics.matchAll(new RegExp(`streamgate_consumer_lag_records\\{consumer="${consumer}",[^}]*\\} (\\d+)`, 'g'))].map((m) => Number(m[1]));
      expect(lags.length).toBeGreaterThanOrEqual(1);
      expect(lags.every((lag) => lag === 0)).toBe(true);
    }
  });

  it('dead-letters every kind of bad record with its reason and source coordinates', async () => {
    const source = topics.source('trades');
    const [sent] = await send(source, [
      { key: 'k', value: '{"symbol": "ACME", "price": ' },
      { key: 'k', value: JSON.stringify({ symbol: 'ACME', price: -1, qty: 1 }) },
      { key: 'k', value: JSON.stringify({ symbol: 'ACME', price: 1, qty: 1, pad: 'x'.repeat(MAX_RECORD_BYTES) }) },
      { key: 'k', value: JSON.stringify({ symbol: 'ACME', price: 1, qty: 1 }), headers: { time: 'last tuesday' } },
      { key: 'k', value: JSON.stringify({ symbol: 'NOPE', price: 1, qty: 1 }) },
    ]);
    // A topic that looks like a source but belongs to no stream.
    const stray = topics.source('undefined-stream');
    const admin = testKafka('e2e-pipeline-admin').admin();
    await admin.connect();
    await provisionTopics(admin, [{ topic: stray, partitions: 1, compacted: false }]);
    await admin.disconnect();
    await send(stray, [{ value: '{}' }]);

    const base = Number(sent!.baseOffset);
    const expected = [
      ['INVALID_JSON', source, base],
      ['SCHEMA_VIOLATION', source, base + 1],
      ['TOO_LARGE', source, base + 2],
      ['BAD_HEADER', source, base + 3],
      ['UNKNOWN_STREAM', stray, 0],
    ] as const;
    const letters = await expectEventually(() => {
      const dlq = reader.on(topics.name(TopicName.RecordsDlq));
      for (const [reason, topic, offset] of expected) {
        expect(dlq.some((m) => m.headers.reason === reason && m.headers['source-topic'] === topic && m.headers['source-offset'] === String(offset))).toBe(true);
      }
      expect(dlq.some((m) => m.headers.reason === 'ENRICHMENT_FAILED')).toBe(true);
      return dlq;
    }, { timeoutMs: 30_000 });
    const schema = letters.find((m) => m.headers.reason === 'SCHEMA_VIOLATION')!;
    expect(schema.headers).toMatchObject({ stream: 'trades', detail: '/price must be > 0', 'source-partition': String(sent!.partition) });
    expect(schema.value?.toString()).toBe(JSON.stringify({ symbol: 'ACME', price: -1, qty: 1 }));
    const enrichment = letters.find((m) => m.headers.reason === 'ENRICHMENT_FAILED')!;
    expect(enrichment.headers.detail).toContain('step 0 (lookup): no row "NOPE" in table instruments');
    expect(enrichment.headers['source-topic']).toBe(topics.name(TopicName.RecordsValidated));
    expect(JSON.parse(enrichment.value!.toString()) as Envelope).toMatchObject({ stream: 'trades', data: { symbol: 'NOPE' } });
  });

  it('forwards a producer id once within the dedupe window', async () => {
    const record = { key: 'ACME', value: JSON.stringify({ symbol: 'ACME', price: 1, qty: 1 }), headers: { id: 'dup-1' } };
    await send(topics.source('trades'), [record]);
    await send(topics.source('trades'), [record, { ...record, headers: { id: 'dup-2' } }]);
    await expectEventually(() => expect(subscriber.ids().filter((id) => id.startsWith('dup-')).sort()).toEqual(['dup-1', 'dup-2']), { timeoutMs: 30_000 });
    await expectEventually(() => {
      const enriched = reader.payloads(topics, TopicName.RecordsEnriched);
      expect(enriched.some((e) => e.id === 'dup-2')).toBe(true);
      expect(enriched.filter((e) => e.id === 'dup-1')).toHaveLength(1);
    });
  });
});
