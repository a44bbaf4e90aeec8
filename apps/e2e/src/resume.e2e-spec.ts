import type { Admin, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { TopicName, Topics } from '@streamgate/contracts';
import type { DeliveredRecord, PartitionPositions } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, testKafka } from '@streamgate/testing';
import type { TestSubscriber } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

// Resume with `since`: everything after the position, from the recent window or from Kafka,
// through the same entitlements, handed over to live delivery with no gap and no duplicate.
describe('resume (since, recovered, hand-over)', () => {
  let platform: TestPlatform;
  let topics: Topics;
  let producer: Producer;
  let admin: Admin;
  let key: string;
  let n = 0;

  beforeAll(async () => {
    // A small window: long gaps come from Kafka, the tail from memory.
    platform = await startPlatform({ env: { RECENT_WINDOW_BYTES: String(64 * 1024) } });
    topics = new Topics(platform.prefix);
    const kafka = testKafka('e2e-resume');
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    await createStream(platform, { name: 'ticks' });
    const partner = await partnerKey(platform, ['subscribe']);
    key = partner.key;
    await entitle(platform, partner.partnerId, 'ticks', { filter: 'data.n % 5 != 0', mask: ['data.secret'] });
  });

  afterAll(async () => {
    await Promise.all([producer?.disconnect(), admin?.disconnect()]);
    await platform?.stop();
  });

  const produce = async (count: number) => {
    const messages = Array.from({ length: count }, () => {
      const i = n++;
      return { key: `k${i % 13}`, value: JSON.stringify({ n: i, secret: 's3cr3t', pad: 'x'.repeat(200) }), headers: { id: `t-${i}` } };
    });
    for (let from = 0; from < messages.length; from += 500) await producer.send({ topic: topics.source('ticks'), acks: -1, messages: messages.slice(from, from + 500) });
  };
  const expectedIds = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => from + j).filter((i) => i % 5 !== 0).map((i) => `t-${i}`);
  const track = (positions: PartitionPositions, records: DeliveredRecord[]) => {
    for (const r of records) {
      const [p, o] = r.pos.split(':');
      positions[p!] = Math.max(positions[p!] ?? -1, Number(o));
    }
  };
  const assertOrderPerKey = (records: DeliveredRecord[]) => {
    const byKey = new Map<string, number[]>();
    for (const r of records) byKey.set(r.key ?? '', [...(byKey.get(r.key ?? '') ?? []), r.data.n as number]);
    for (const ns of byKey.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
  };

  it('delivers exactly the missed records, from Kafka and the window, then live, with no gap or duplicate at the hand-over', async () => {
    let sub: TestSubscriber = await connect(platform, { apiKey: key });
    const first = await expectEventually(async () => {
      const ack = await sub.subscribe({ stream: 'ticks' });
      expect(ack.ok).toBe(true);
      return ack;
    });
    const positions: PartitionPositions = { ...(first.ok ? first.position : {}) };
    await produce(500);
    await expectEventually(() => expect(sub.records).toHaveLength(expectedIds(0, 500).length), { timeoutMs: 30_000 });
    track(positions, sub.records);
    sub.close();

    // Missed while away: ~800 KB, far more than the 64 KB window; wait until delivery has read
    // it all, so the resume has to reach back past the window into Kafka.
    await produce(3_000);
    await expectEventually(async () => {
      const metrics = await (await fetch(`${platform.url('delivery')}/metrics`)).text();
      expect(Number(/streamgate_delivery_records_read_total (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThanOrEqual(n);
    }, { timeoutMs: 30_000 });
    // Keep producing during the resume, so the hand-over happens under traffic.
    // A failed send after the test ended must not crash the run: the pump stops whatever happens.
    const pump = setInterval(() => void produce(20).catch(() => undefined), 50);
    try {
      sub = await connect(platform, { apiKey: key });
      const ack = await sub.subscribe({ stream: 'ticks', since: positions });
      expect(ack).toMatchObject({ ok: true, recovered: true });
    } finally {
      clearInterval(pump);
    }
    await produce(10);
    const total = n;
    await expectEventually(() => expect(sub.records.length).toBeGreaterThanOrEqual(expectedIds(500, total).length), { timeoutMs: 60_000 });
    const ids = sub.records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(expectedIds(500, total).sort());
    assertOrderPerKey(sub.records);
    expect(sub.records.every((r) => r.data.secret === '***')).toBe(true);
    const metrics = await (await fetch(`${platform.url('delivery')}/metrics`)).text();
    expect(metrics).toMatch(/streamgate_delivery_catch_up_records_total\{source="kafka"\} [1-9]/);
    expect(metrics).toMatch(/streamgate_delivery_catch_up_records_total\{source="window"\} [1-9]/);
    sub.close();
  });

  it('says recovered: false with the earliest positions when retention has removed part of the gap', async () => {
    const topic = topics.name(TopicName.RecordsEnriched);
    const ends = await admin.fetchTopicOffsets(topic);
    const busiest = ends.reduce((a, b) => (Number(b.high) > Number(a.high) ? b : a));
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: busiest.partition, offset: String(Math.floor(Number(busiest.high) / 2)) }] });
    const sub = await connect(platform, { apiKey: key });
    const since = Object.fromEntries(ends.map((e) => [String(e.partition), -1]));
    const ack = await sub.subscribe({ stream: 'ticks', since });
    expect(ack).toMatchObject({ ok: true, recovered: false, earliest: { [String(busiest.partition)]: Math.floor(Number(busiest.high) / 2) - 1 } });
    sub.close();
  });

  it('resumes from a time', async () => {
    const sub = await connect(platform, { apiKey: key });
    const from = new Date().toISOString();
    await produce(50);
    const ids = expectedIds(n - 50, n);
    await expectEventually(async () => {
      const probe = await connect(platform, { apiKey: key });
      await subscribeWhenReady(probe, { stream: 'ticks', since: { time: from } });
      await expectEventually(() => expect(probe.records.map((r) => r.id).filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort()), { timeoutMs: 10_000 });
      probe.close();
    }, { timeoutMs: 30_000 });
    expect(await sub.subscribe({ stream: 'ticks', since: { time: 'yesterday' } })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    sub.close();
  });
});
