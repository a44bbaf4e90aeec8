import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { APP_NAMES, TopicName, Topics } from '@streamgate/contracts';
import type { Envelope } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TopicReader, expectEventually, httpClient, testKafka } from '@streamgate/testing';
import { createStream, entitle, partnerKey } from './e2e-helpers';

// Issue 13: a bad record is a dead letter, never an outage. Before the structural limits, the
// 10 KB record {"deep": [[[…5,000 levels…]]]} made ingest's consumer crash on every redelivery
// of its fetch (`Maximum call stack size exceeded` while serializing the Envelope): /health
// stayed 503 and no record of any stream passed ingest again.
const deep = (levels: number) => `{"deep":${'['.repeat(levels)}${']'.repeat(levels)}}`;
const wide = (keys: number) => JSON.stringify(Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])));
const longArray = (length: number) => JSON.stringify({ values: new Array<number>(length).fill(0) });

describe('poison records (default structural limits)', () => {
  let platform: TestPlatform;
  let topics: Topics;
  let producer: Producer;
  let reader: TopicReader;

  beforeAll(async () => {
    platform = await startPlatform();
    topics = new Topics(platform.prefix);
    await createStream(platform, { name: 'events', schema: { type: 'object' } });
    await createStream(platform, { name: 'quotes', schema: { type: 'object', required: ['bid'] }, enrich: [{ op: 'derive', into: 'data.spread', expr: 'data.ask - data.bid' }] });
    const kafka = testKafka('e2e-poison');
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    reader = await TopicReader.start(kafka, [topics.name(TopicName.RecordsDlq), topics.name(TopicName.RecordsEnriched)]);
  });

  afterAll(async () => {
    await reader?.stop();
    await producer?.disconnect();
    await platform?.stop();
  });

  const enrichedIds = () => reader.json<Envelope>(topics.name(TopicName.RecordsEnriched)).map((e) => e.id);
  const dlq = () => reader.on(topics.name(TopicName.RecordsDlq));

  async function expectAllHealthy(): Promise<void> {
    for (const app of APP_NAMES) expect({ app, status: (await fetch(`${platform.url(app)}/health`)).status }).toEqual({ app, status: 200 });
  }

  it('dead-letters a deep, a wide and a long-array record, goes on with the rest of the batch and with every other stream', async () => {
    expect(Buffer.byteLength(deep(5_000))).toBeLessThan(10_010);
    // One send, one key: one partition, so the good record after the bad ones shares their fetch.
    const [sent] = await producer.send({
      topic: topics.source('events'),
      acks: -1,
      messages: [
        { key: 'k', value: deep(5_000), headers: { id: 'deep-1' } },
        { key: 'k', value: wide(2_000), headers: { id: 'wide-1' } },
        { key: 'k', value: longArray(20_000), headers: { id: 'long-1' } },
        { key: 'k', value: JSON.stringify({ ok: true }), headers: { id: 'after-1' } },
      ],
    });
    const base = Number(sent!.baseOffset);
    const letters = await expectEventually(
      () => {
        const found = ['TOO_DEEP', 'TOO_MANY_FIELDS', 'ARRAY_TOO_LONG'].map((reason, i) => {
          const letter = dlq().find((m) => m.headers['source-topic'] === topics.source('events') && m.headers['source-offset'] === String(base + i));
          expect(letter?.headers.reason).toBe(reason);
          return letter!;
        });
        expect(enrichedIds()).toContain('after-1');
        return found;
      },
      { timeoutMs: 30_000 },
    );
    expect(letters.map((m) => m.headers.detail)).toEqual([
      'nesting deeper than 64 levels at /deep' + '/0'.repeat(63),
      'object at / has more than 1000 fields',
      'array at /values has 20000 elements, more than 10000',
    ]);
    expect(letters[0]!.value?.toString()).toBe(deep(5_000));
    expect(letters.every((m) => m.headers.stream === 'events')).toBe(true);

    // Live records of another stream still flow through ingest and enrichment.
    await producer.send({ topic: topics.source('quotes'), acks: -1, messages: [{ key: 'q', value: JSON.stringify({ bid: 1, ask: 3 }), headers: { id: 'quote-1' } }] });
    await expectEventually(() => expect(enrichedIds()).toContain('quote-1'), { timeoutMs: 30_000 });
    const quote = reader.json<Envelope>(topics.name(TopicName.RecordsEnriched)).find((e) => e.id === 'quote-1');
    expect(quote?.data).toEqual({ bid: 1, ask: 3, spread: 2 });
    await expectAllHealthy();
  });

  it('enrichment dead-letters a deep Envelope a foreign producer wrote to records.validated, and goes on', async () => {
    const envelope = (id: string, data: string) =>
      `{"id":"${id}","stream":"events","key":"f","time":"2026-11-28T10:00:00.000Z","ingestedAt":"2026-11-28T10:00:00.000Z","data":${data},"meta":{}}`;
    await producer.send({
      topic: topics.name(TopicName.RecordsValidated),
      acks: -1,
      messages: [
        { key: 'events/f', value: envelope('foreign-deep', deep(5_000)), headers: { stream: 'events' } },
        { key: 'events/f', value: envelope('foreign-ok', '{"ok":true}'), headers: { stream: 'events' } },
      ],
    });
    await expectEventually(
      () => {
        const letter = dlq().find((m) => m.headers['source-topic'] === topics.name(TopicName.RecordsValidated) && m.headers.reason === 'TOO_DEEP');
        expect(letter?.headers.detail).toContain('deeper than 64 levels');
        expect(enrichedIds()).toContain('foreign-ok');
      },
      { timeoutMs: 30_000 },
    );
    await producer.send({ topic: topics.source('quotes'), acks: -1, messages: [{ key: 'q', value: JSON.stringify({ bid: 2, ask: 3 }), headers: { id: 'quote-2' } }] });
    await expectEventually(() => expect(enrichedIds()).toContain('quote-2'), { timeoutMs: 30_000 });
    await expectAllHealthy();
  });

  it('HTTP publish refuses the same records with 400 and the same reason codes, and nothing is written', async () => {
    const { partnerId, key } = await partnerKey(platform, ['publish'], 'Poison Publisher');
    await entitle(platform, partnerId, 'events', { publish: true });
    const publisher = httpClient(platform.url('ingest'), key);
    const post = (data: string, id: string) => publisher.post<{ error: { code: string; details: Array<{ index: number; reason: string; detail: string }> } }>('/v1/streams/events/records', `{"records":[{"data":{"fine":1}},{"id":"${id}","data":${data}}]}`);
    await expectEventually(async () => expect((await publisher.post('/v1/streams/events/records', { data: { warm: 1 }, id: 'http-ok' })).status).toBe(202));
    for (const [data, reason] of [
      [deep(5_000), 'TOO_DEEP'],
      [wide(2_000), 'TOO_MANY_FIELDS'],
      [longArray(20_000), 'ARRAY_TOO_LONG'],
    ] as const) {
      const res = await post(data, `http-${reason}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(reason);
      expect(res.body.error.details).toEqual([{ index: 1, reason, detail: expect.any(String) }]);
    }
    expect((await publisher.post('/v1/streams/events/records', { data: { last: 1 }, id: 'http-last' })).status).toBe(202);
    await expectEventually(() => expect(enrichedIds()).toContain(`${partnerId}:http-last`), { timeoutMs: 30_000 });
    // All-or-nothing: the good record beside each bad one was not written either.
    expect(reader.json<Envelope>(topics.name(TopicName.RecordsEnriched)).filter((e) => e.stream === 'events' && 'fine' in e.data)).toEqual([]);
    await expectAllHealthy();
  });
});
