import type { Admin, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { Topics } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import { expectEventually, testKafka } from '@streamgate/testing';
import type { TestSubscriber } from '@streamgate/testing';
import { connect, entitle, partnerKey } from './e2e-helpers';
import type { TestPlatform } from '@streamgate/dev-stack';

// One record the whole way: kafkajs → ingest.<stream> → ingest → records.validated →
// enrichment → records.enriched → delivery → socket.io-client, with the five apps as processes.
describe('walking skeleton (five app processes, real Kafka and PostgreSQL)', () => {
  let platform: TestPlatform;
  let admin: Admin;
  let producer: Producer;
  let subscriber: TestSubscriber;
  let sourceTopic: string;

  beforeAll(async () => {
    platform = await startPlatform();
    const kafka = testKafka('e2e-skeleton');
    admin = kafka.admin();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([admin.connect(), producer.connect()]);
    sourceTopic = new Topics(platform.prefix).source('trades');
    expect((await platform.admin.post('/v1/streams', { name: 'trades' })).status).toBe(201);
    const { partnerId, key } = await partnerKey(platform, ['subscribe']);
    await entitle(platform, partnerId, 'trades');
    subscriber = await connect(platform, { apiKey: key });
  });

  afterAll(async () => {
    subscriber?.close();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    await platform?.stop();
  });

  it('delivers a produced record to a subscriber as the contract envelope', async () => {
    // Delivery learns the new stream from control.streams.
    const ack = await expectEventually(async () => {
      const result = await subscriber.subscribe({ stream: 'trades' });
      expect(result).toMatchObject({ ok: true, subscription: expect.any(String) });
      return result;
    });
    if (!ack.ok) throw new Error('subscribe refused');
    expect(Object.keys(ack.position).sort()).toEqual(['0', '1', '2', '3', '4', '5']);

    const time = '2026-11-28T09:30:00.000Z';
    await producer.send({
      topic: sourceTopic,
      acks: -1,
      messages: [{ key: 'ACME', value: JSON.stringify({ symbol: 'ACME', price: 101.5 }), headers: { id: 'trade-1', time } }],
    });

    const record = await expectEventually(() => {
      const found = subscriber.records.find((r) => r.id === 'trade-1');
      expect(found).toBeDefined();
      return found!;
    }, { timeoutMs: 30_000 });
    expect(record).toEqual({
      stream: 'trades',
      pos: expect.stringMatching(/^[0-5]:\d+$/),
      id: 'trade-1',
      key: 'ACME',
      time,
      data: { symbol: 'ACME', price: 101.5 },
      meta: { enrichedAt: expect.any(String) },
    });
    const [partition, offset] = record.pos.split(':').map(Number);
    expect(offset).toBeGreaterThan(ack.position[String(partition)]!);
  });

  it('loses nothing when enrichment is SIGKILLed and restarted mid-stream', async () => {
    const produce = (from: number, count: number) =>
      producer.send({
        topic: sourceTopic,
        acks: -1,
        messages: Array.from({ length: count }, (_, i) => ({
          key: `k${(from + i) % 7}`,
          value: JSON.stringify({ n: from + i }),
          headers: { id: `crash-${from + i}` },
        })),
      });

    await produce(0, 100);
    await platform.apps.enrichment.kill();
    await produce(100, 200);
    await platform.apps.enrichment.start();
    await produce(300, 100);

    const expected = Array.from({ length: 400 }, (_, i) => `crash-${i}`);
    await expectEventually(() => {
      const got = new Set(subscriber.ids());
      expect(expected.filter((id) => !got.has(id))).toEqual([]);
    }, { timeoutMs: 60_000, intervalMs: 250 });

    // Per key, records arrive in the order they were produced (at-least-once may repeat some).
    const byKey = new Map<string, number[]>();
    for (const r of subscriber.records.filter((r) => r.id.startsWith('crash-'))) {
      const list = byKey.get(r.key ?? '') ?? [];
      list.push((r.data as { n: number }).n);
      byKey.set(r.key ?? '', list);
    }
    for (const ns of byKey.values()) {
      const firstSeen = ns.filter((n, i) => ns.indexOf(n) === i);
      expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
    }
  });
});
