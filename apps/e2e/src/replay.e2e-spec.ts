import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { SocketEvent, Topics } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, httpClient, testKafka } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

// The replay lane: a retained time range through the same entitlements, marked, paced by the
// plan, metered apart as recordsReplayed.
describe('replay lane', () => {
  let platform: TestPlatform;
  let producer: Producer;
  let partner: { partnerId: string; key: string };

  beforeAll(async () => {
    platform = await startPlatform({ env: { USAGE_WINDOW: '1s' } });
    producer = testKafka('e2e-replay').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createStream(platform, { name: 'history' });
    const admin = httpClient(platform.url('metering'), String(platform.env.ADMIN_TOKEN));
    expect((await admin.post('/v1/plans', { id: 'slow-replay', name: 'Slow replay', pricePerMillionRecords: '1', pricePerGb: '1', replayRecordsPerSecond: 200 })).status).toBe(201);
    partner = await partnerKey(platform, ['subscribe']);
    await platform.admin.patch(`/v1/partners/${partner.partnerId}`, { plan: 'slow-replay' });
    await entitle(platform, partner.partnerId, 'history', { mask: ['data.secret'] });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });

  it('replays exactly the range, masked and marked, paced by the plan, then replay-end; metered as recordsReplayed', async () => {
    const live = await connect(platform, { apiKey: partner.key });
    await subscribeWhenReady(live, { stream: 'history' });
    const burst = async (tag: string) => {
      await producer.send({
        topic: new Topics(platform.prefix).source('history'),
        acks: -1,
        messages: Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 5}`, value: JSON.stringify({ tag, i, secret: 'hidden' }), headers: { id: `${tag}-${i}` } })),
      });
      await expectEventually(() => expect(live.ids().filter((id) => id.startsWith(`${tag}-`))).toHaveLength(200), { timeoutMs: 30_000 });
    };
    await burst('before');
    const from = new Date().toISOString();
    await burst('inside');
    const to = new Date().toISOString();
    await burst('after');

    const replayer = await connect(platform, { apiKey: partner.key });
    const started = Date.now();
    const ack = await replayer.socket.timeout(30_000).emitWithAck(SocketEvent.Replay, { stream: 'history', from, to, filter: 'data.i % 2 == 0' });
    expect(ack).toMatchObject({ ok: true, replay: expect.any(String) });
    const end = await expectEventually(() => {
      const event = replayer.eventsNamed(SocketEvent.ReplayEnd)[0];
      expect(event).toBeDefined();
      return event!;
    }, { timeoutMs: 30_000 });
    expect(end.payload).toEqual({ stream: 'history', count: 100 });
    // 100 records at the plan's 200/s take about half a second.
    expect(end.at - started).toBeGreaterThanOrEqual(400);
    expect(replayer.records.map((r) => r.id).sort()).toEqual(Array.from({ length: 100 }, (_, j) => `inside-${j * 2}`).sort());
    expect(replayer.records.every((r) => r.replay === true && r.data.secret === '***')).toBe(true);

    expect(await replayer.socket.timeout(5_000).emitWithAck(SocketEvent.Replay, { stream: 'history', from: to, to: from })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await replayer.socket.timeout(5_000).emitWithAck(SocketEvent.Replay, { stream: 'nope', from, to })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STREAM' } });

    const finance = httpClient(platform.url('metering'), String(platform.env.FINANCE_TOKEN));
    await expectEventually(async () => {
      const rows = (await finance.get<Array<{ partnerId: string; stream: string | null; recordsReplayed: number; recordsDelivered: number }>>(`/v1/usage?partner=${partner.partnerId}&granularity=month`)).body;
      expect(rows.filter((r) => r.stream === 'history').reduce((n, r) => n + r.recordsReplayed, 0)).toBe(100);
      expect(rows.filter((r) => r.stream === 'history').reduce((n, r) => n + r.recordsDelivered, 0)).toBe(600);
    }, { timeoutMs: 30_000, intervalMs: 500 });
    live.close();
    replayer.close();
  });
});
