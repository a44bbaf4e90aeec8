import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { SocketEvent, Topics } from '@streamgate/contracts';
import type { DeliveredRecord } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import type { TestSubscriber} from '@streamgate/testing';
import { expectEventually, httpClient, testKafka } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

/** What one socket received, in arrival order: records and control events on one timeline. */
class Timeline {
  readonly entries: Array<{ kind: 'record' | 'revoked' | 'replay-end'; at: number; payload: unknown }> = [];

  constructor(readonly subscriber: TestSubscriber) {
    const socket = subscriber.socket;
    socket.on(SocketEvent.Record, (record: DeliveredRecord) => this.entries.push({ kind: 'record', at: Date.now(), payload: record }));
    socket.on(SocketEvent.Records, (records: DeliveredRecord[]) => records.forEach((r) => this.entries.push({ kind: 'record', at: Date.now(), payload: r })));
    socket.on(SocketEvent.Revoked, (payload: unknown) => this.entries.push({ kind: 'revoked', at: Date.now(), payload }));
    socket.on(SocketEvent.ReplayEnd, (payload: unknown) => this.entries.push({ kind: 'replay-end', at: Date.now(), payload }));
  }

  records(): DeliveredRecord[] {
    return this.entries.filter((e) => e.kind === 'record').map((e) => e.payload as DeliveredRecord);
  }

  /** Waits for `revoked`, then 1.5 s more: everything after it is what leaked. */
  async revokedThenQuiet(reason: string): Promise<{ revokedAt: number; before: number; after: number; replayEnd?: unknown }> {
    const index = await expectEventually(() => {
      const i = this.entries.findIndex((e) => e.kind === 'revoked');
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    }, { timeoutMs: 15_000, intervalMs: 20 });
    const revoked = this.entries[index]!;
    expect(revoked.payload).toMatchObject({ reason });
    await expectEventually(() => expect(Date.now() - revoked.at).toBeGreaterThan(1_500), { timeoutMs: 5_000, intervalMs: 100 });
    const after = this.entries.slice(index + 1).filter((e) => e.kind === 'record').length;
    const before = this.entries.slice(0, index).filter((e) => e.kind === 'record').length;
    return { revokedAt: revoked.at, before, after, replayEnd: this.entries.find((e) => e.kind === 'replay-end')?.payload };
  }
}

// Revocation ends every flow — live, a catch-up in flight, a replay in flight — for every
// reason, and a narrowed entitlement applies to a replay already running. Before the rebuild a
// replay paced at 200 records/s went on for 600 records after `revoked`.
describe('revocation ends every flow within 1 s', () => {
  let platform: TestPlatform;
  let producer: Producer;
  let admin: ReturnType<typeof httpClient>;
  let from: string;
  let to: string;
  const RECORDS = 1_000;

  beforeAll(async () => {
    // No recent window: every catch-up reads from Kafka.
    platform = await startPlatform({ env: { USAGE_WINDOW: '1s', RECENT_WINDOW_BYTES: '0' } });
    producer = testKafka('e2e-revocation').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    admin = httpClient(platform.url('metering'), String(platform.env.ADMIN_TOKEN));
    expect((await admin.post('/v1/plans', { id: 'paced', name: 'Paced', pricePerMillionRecords: '1', pricePerGb: '1', replayRecordsPerSecond: 200 })).status).toBe(201);
    expect((await admin.post('/v1/plans', { id: 'paced-capped', name: 'Paced, capped', pricePerMillionRecords: '1', pricePerGb: '1', replayRecordsPerSecond: 200, hardLimitRecords: 150 })).status).toBe(201);
    for (const stream of ['tape-a', 'tape-b', 'tape-c', 'tape-d', 'tape-e', 'tape-f']) await createStream(platform, { name: stream });
    // Every stream holds RECORDS records inside [from, to); a watcher proves they were enriched.
    const watcher = await partnerKey(platform, ['subscribe'], 'Watcher');
    const sockets: TestSubscriber[] = [];
    from = new Date().toISOString();
    for (const stream of ['tape-a', 'tape-b', 'tape-c', 'tape-d', 'tape-e', 'tape-f']) {
      await entitle(platform, watcher.partnerId, stream);
      const socket = await connect(platform, { apiKey: watcher.key });
      await subscribeWhenReady(socket, { stream });
      sockets.push(socket);
      await producer.send({
        topic: new Topics(platform.prefix).source(stream),
        acks: -1,
        messages: Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i % 7}`, value: JSON.stringify({ i, secret: `S-${i}` }), headers: { id: `${stream}-${i}` } })),
      });
    }
    for (const socket of sockets) await expectEventually(() => expect(socket.records).toHaveLength(RECORDS), { timeoutMs: 60_000 });
    to = new Date().toISOString();
    sockets.forEach((s) => s.close());
  });

  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });

  /** A partner on a plan that replays at 200 records/s, entitled to `stream`, with a replay running. */
  async function replaying(stream: string, plan = 'paced', auth?: (key: string) => Promise<Record<string, string>>) {
    const partner = await partnerKey(platform, ['subscribe'], `Replayer of ${stream}`);
    expect((await platform.admin.patch(`/v1/partners/${partner.partnerId}`, { plan })).status).toBe(200);
    await entitle(platform, partner.partnerId, stream);
    const subscriber = await connect(platform, auth ? await auth(partner.key) : { apiKey: partner.key });
    const timeline = new Timeline(subscriber);
    await expectEventually(async () => expect(await subscriber.socket.timeout(10_000).emitWithAck(SocketEvent.Replay, { stream, from, to })).toMatchObject({ ok: true }));
    // Running: the first records are in, far from all of them.
    await expectEventually(() => expect(timeline.records().length).toBeGreaterThan(50), { timeoutMs: 20_000, intervalMs: 20 });
    return { partner, subscriber, timeline };
  }

  function report(name: string, result: { before: number; after: number }) {
    process.stdout.write(`revocation of a replay by ${name}: ${result.before} records before revoked, ${result.after} after\n`);
  }

  it('ENTITLEMENT_REVOKED ends a replay in flight', async () => {
    const { partner, subscriber, timeline } = await replaying('tape-a');
    expect((await platform.admin.delete(`/v1/partners/${partner.partnerId}/entitlements/tape-a`)).status).toBe(204);
    const result = await timeline.revokedThenQuiet('ENTITLEMENT_REVOKED');
    report('ENTITLEMENT_REVOKED', result);
    expect(result.after).toBe(0);
    expect(result.before).toBeLessThan(RECORDS);
    expect(result.replayEnd).toMatchObject({ stream: 'tape-a', error: 'ENTITLEMENT_REVOKED' });
    expect(subscriber.socket.connected).toBe(true);
    subscriber.close();
  });

  it('KEY_REVOKED ends a replay in flight and the socket', async () => {
    const { partner, subscriber, timeline } = await replaying('tape-b');
    const keys = await platform.admin.get<Array<{ id: string }>>(`/v1/partners/${partner.partnerId}/keys`);
    for (const key of keys.body) await platform.admin.delete(`/v1/partners/${partner.partnerId}/keys/${key.id}`);
    const result = await timeline.revokedThenQuiet('KEY_REVOKED');
    report('KEY_REVOKED', result);
    expect(result.after).toBe(0);
    expect(subscriber.socket.connected).toBe(false);
  });

  it('STREAM_DELETED ends a replay in flight', async () => {
    const { subscriber, timeline } = await replaying('tape-c');
    expect((await platform.admin.delete('/v1/streams/tape-c')).status).toBe(204);
    const result = await timeline.revokedThenQuiet('STREAM_DELETED');
    report('STREAM_DELETED', result);
    expect(result.after).toBe(0);
    subscriber.close();
  });

  it('TOKEN_EXPIRED ends a replay in flight at the token expiry', async () => {
    let expiresAt = 0;
    const { subscriber, timeline } = await replaying('tape-d', 'paced', async (key) => {
      const minted = await expectEventually(async () => {
        const res = await httpClient(platform.url('access-control'), key).post<{ token: string; expiresAt: string }>('/v1/tokens', { ttlSeconds: 3 });
        expect(res.status).toBe(201);
        return res.body;
      });
      expiresAt = Date.parse(minted.expiresAt);
      return { token: minted.token };
    });
    const result = await timeline.revokedThenQuiet('TOKEN_EXPIRED');
    report('TOKEN_EXPIRED', result);
    expect(result.after).toBe(0);
    expect(result.revokedAt - expiresAt).toBeLessThan(1_000);
    expect(subscriber.socket.connected).toBe(false);
  });

  it('QUOTA_EXCEEDED ends a replay in flight once the replayed records pass the hard limit', async () => {
    const { subscriber, timeline } = await replaying('tape-e', 'paced-capped');
    const result = await timeline.revokedThenQuiet('QUOTA_EXCEEDED');
    report('QUOTA_EXCEEDED', result);
    expect(result.after).toBe(0);
    expect(result.before).toBeLessThan(RECORDS);
    subscriber.close();
  });

  it('a narrowed entitlement (a new mask) applies to a replay already running', async () => {
    const { partner, subscriber, timeline } = await replaying('tape-f');
    await entitle(platform, partner.partnerId, 'tape-f', { mask: ['data.secret'] });
    const changed = Date.now();
    await expectEventually(() => expect(timeline.entries.some((e) => e.kind === 'replay-end')).toBe(true), { timeoutMs: 20_000, intervalMs: 50 });
    const late = timeline.entries.filter((e) => e.kind === 'record' && e.at > changed + 1_000).map((e) => e.payload as DeliveredRecord);
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((r) => r.data.secret !== '***')).toEqual([]);
    expect(timeline.records()).toHaveLength(RECORDS);
    subscriber.close();
  });

  it('a revocation ends a catch-up (resume) in flight: nothing after revoked, the subscribe is refused', async () => {
    // Large records, so the catch-up outgrows the kernel's socket buffers and waits in flight
    // (in the socket's own buffer) while the client does not read.
    await createStream(platform, { name: 'tape-big' });
    const partner = await partnerKey(platform, ['subscribe'], 'Resumer');
    await entitle(platform, partner.partnerId, 'tape-big');
    const subscriber = await connect(platform, { apiKey: partner.key });
    await subscribeWhenReady(subscriber, { stream: 'tape-big' });
    const since = new Date().toISOString();
    const big = 'x'.repeat(60_000);
    for (let batch = 0; batch < 8; batch++) {
      await producer.send({
        topic: new Topics(platform.prefix).source('tape-big'),
        acks: -1,
        messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: JSON.stringify({ i: batch * 50 + i, big }), headers: { id: `big-${batch * 50 + i}` } })),
      });
    }
    await expectEventually(() => expect(subscriber.records).toHaveLength(400), { timeoutMs: 60_000 });
    expect(await subscriber.unsubscribe('tape-big')).toEqual({ ok: true });
    const timeline = new Timeline(subscriber);

    const tcp = (subscriber.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
    tcp.pause();
    const ack = subscriber.socket.timeout(60_000).emitWithAck(SocketEvent.Subscribe, { stream: 'tape-big', since: { time: since } });
    await expectEventually(async () => {
      const metrics = await (await fetch(`${platform.url('delivery')}/metrics`)).text();
      const largest = Number(/streamgate_delivery_buffered_bytes\{kind="largest"\} (\d+)/.exec(metrics)?.[1] ?? 0);
      expect(largest).toBeGreaterThan(32 * 1024);
    }, { timeoutMs: 30_000, intervalMs: 100 });
    const revocations = async () => {
      const metrics = await (await fetch(`${platform.url('delivery')}/metrics`)).text();
      return Number(/streamgate_delivery_revocations_total\{reason="ENTITLEMENT_REVOKED"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    };
    const before = await revocations();
    expect((await platform.admin.delete(`/v1/partners/${partner.partnerId}/entitlements/tape-big`)).status).toBe(204);
    // Once delivery has revoked (its counter moved), the client reads again.
    await expectEventually(async () => expect(await revocations()).toBeGreaterThan(before), { timeoutMs: 10_000, intervalMs: 50 });
    tcp.resume();
    const result = await timeline.revokedThenQuiet('ENTITLEMENT_REVOKED');
    process.stdout.write(`revocation of a catch-up: ${result.before} records before revoked, ${result.after} after\n`);
    expect(result.after).toBe(0);
    expect(result.before).toBeLessThan(400);
    expect(await ack).toMatchObject({ ok: false, error: { code: 'NOT_SUBSCRIBED' } });
    subscriber.close();
  });
});
