import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { StreamgateClient } from '@streamgate/client';
import { SocketEvent, Topics } from '@streamgate/contracts';
import type { DeliveredRecord, PartitionPositions } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, httpClient, testKafka } from '@streamgate/testing';
import type { HttpClient, TestSubscriber } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

type Published = { accepted: number; ids: string[] };

// Issue 12, hostile partners against the running apps: publishing needs a grant per stream,
// HTTP ids belong to their publisher, and masks reach into arrays on live, resume and replay.
describe('publish grants, publisher-owned ids, masks through arrays', () => {
  let platform: TestPlatform;
  let producer: Producer;
  let owner: { partnerId: string; key: string; http: HttpClient };
  let intruder: { partnerId: string; key: string; http: HttpClient };
  let viewer: { partnerId: string; key: string };
  let live: TestSubscriber;

  const post = (who: { http: HttpClient }, stream: string, body: unknown) => who.http.post<Published>(`/v1/streams/${stream}/records`, body);
  const liveRecords = (tag: string) => live.records.filter((r) => r.data.tag === tag);

  beforeAll(async () => {
    platform = await startPlatform();
    producer = testKafka('e2e-grants').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createStream(platform, { name: 'orders' });
    await createStream(platform, { name: 'sandbox' });
    const p = await partnerKey(platform, ['publish'], 'Order desk');
    owner = { ...p, http: httpClient(platform.url('ingest'), p.key) };
    // The stream's publisher may publish but not read.
    await entitle(platform, owner.partnerId, 'orders', { publish: true, subscribe: false });
    const i = await partnerKey(platform, ['publish', 'subscribe'], 'Intruder');
    intruder = { ...i, http: httpClient(platform.url('ingest'), i.key) };
    await entitle(platform, intruder.partnerId, 'sandbox', { publish: true });
    viewer = await partnerKey(platform, ['subscribe'], 'Viewer');
    await entitle(platform, viewer.partnerId, 'orders', { mask: ['data.legs.trader'] });
    live = await connect(platform, { apiKey: viewer.key });
    await subscribeWhenReady(live, { stream: 'orders' });
    await expectEventually(async () => expect((await post(owner, 'orders', { data: { tag: 'warm-up' } })).status).toBe(202));
    await expectEventually(() => expect(liveRecords('warm-up')).toHaveLength(1), { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    live?.close();
    await producer?.disconnect();
    await platform?.stop();
  });

  it('refuses a publish key on a stream it has no publish grant on with 403 NOT_ENTITLED; nothing reaches subscribers', async () => {
    // No relation to the stream at all, and a publish grant on another stream only.
    const forged = await post(intruder, 'orders', { data: { tag: 'forged' }, id: 'f-1' });
    expect(forged).toMatchObject({ status: 403, body: { error: { code: 'NOT_ENTITLED' } } });
    expect((await post(intruder, 'sandbox', { data: { tag: 'own-stream' } })).status).toBe(202);
    // A subscribe-only entitlement is no publish grant either.
    expect((await httpClient(platform.url('ingest'), viewer.key).post('/v1/streams/orders/records', { data: {} })).status).toBe(403);
    const marker = await post(owner, 'orders', { data: { tag: 'after-forged' } });
    expect(marker.status).toBe(202);
    await expectEventually(() => expect(liveRecords('after-forged')).toHaveLength(1), { timeoutMs: 30_000 });
    expect(liveRecords('forged')).toHaveLength(0);
  });

  it("keeps ids in the publisher's namespace: another partner's id cannot shadow or suppress the real record (ingest and SDK)", async () => {
    // The intruder becomes a legitimate second publisher of the stream: its ids still cannot touch the owner's.
    await entitle(platform, intruder.partnerId, 'orders', { publish: true, subscribe: false });
    const sdk = new StreamgateClient({ urls: [platform.url('delivery')], apiKey: viewer.key });
    const viaSdk: DeliveredRecord[] = [];
    try {
      await expectEventually(() => sdk.connect());
      await expectEventually(() => sdk.subscribe('orders', { record: (r) => viaSdk.push(r) }));
      const first = await expectEventually(async () => {
        const res = await post(intruder, 'orders', { records: [{ data: { tag: 'shadow' }, id: 't-1001' }, { data: { tag: 'shadow' }, id: `${owner.partnerId}:t-1002` }] });
        expect(res.status).toBe(202);
        return res;
      });
      // The 202 names the records as their Envelopes will: the publisher can correlate.
      expect(first.body.ids).toEqual([`${intruder.partnerId}:t-1001`, `${intruder.partnerId}:${owner.partnerId}:t-1002`]);
      const real = await post(owner, 'orders', { records: [{ data: { tag: 'real' }, id: 't-1001' }, { data: { tag: 'real' }, id: 't-1002' }] });
      expect(real).toMatchObject({ status: 202, body: { accepted: 2, ids: [`${owner.partnerId}:t-1001`, `${owner.partnerId}:t-1002`] } });
      // An internal Kafka producer's t-1001 is a third, separate record.
      await producer.send({ topic: new Topics(platform.prefix).source('orders'), acks: -1, messages: [{ value: JSON.stringify({ tag: 'internal' }), headers: { id: 't-1001' } }] });

      const expected = [...first.body.ids, ...real.body.ids, 't-1001'].sort();
      await expectEventually(() => expect(live.records.filter((r) => ['shadow', 'real', 'internal'].includes(String(r.data.tag))).map((r) => r.id).sort()).toEqual(expected), { timeoutMs: 30_000 });
      await expectEventually(() => expect(viaSdk.filter((r) => ['shadow', 'real', 'internal'].includes(String(r.data.tag))).map((r) => r.id).sort()).toEqual(expected), { timeoutMs: 30_000 });
      expect(liveRecords('real')).toHaveLength(2);
    } finally {
      sdk.close();
      await entitle(platform, intruder.partnerId, 'orders', { subscribe: false });
    }
    // The grant withdrawn, the intruder is refused again.
    await expectEventually(async () => expect(await post(intruder, 'orders', { data: { tag: 'late' } })).toMatchObject({ status: 403, body: { error: { code: 'NOT_ENTITLED' } } }));
  });

  it('masks a path through arrays (data.legs.trader) on live, resume (since) and replay', async () => {
    const resumeFrom = await expectEventually(async () => {
      const probe = await connect(platform, { apiKey: viewer.key });
      try {
        const ack = await probe.subscribe({ stream: 'orders' });
        expect(ack.ok).toBe(true);
        return (ack.ok ? ack.position : {}) as PartitionPositions;
      } finally {
        probe.close();
      }
    });
    const from = new Date(Date.now() - 1_000).toISOString();
    // Every leg's trader, also in a nested array; a trader elsewhere (data.legs.sub.trader) is another path.
    const record = { tag: 'legs', legs: [{ trader: 'T-SECRET', qty: 1 }, [{ trader: 'T-SECRET-2', qty: 2, sub: [{ trader: 'visible' }] }]], desk: 'rates' };
    expect((await post(owner, 'orders', { data: record, id: 'legs-1' })).status).toBe(202);
    const expectMasked = (records: DeliveredRecord[]) => {
      const legs = records.filter((r) => r.data.tag === 'legs');
      expect(legs).toHaveLength(1);
      expect(legs[0]!.data).toEqual({ tag: 'legs', legs: [{ trader: '***', qty: 1 }, [{ trader: '***', qty: 2, sub: [{ trader: 'visible' }] }]], desk: 'rates' });
      expect(JSON.stringify(records)).not.toContain('T-SECRET');
    };

    await expectEventually(() => expect(liveRecords('legs')).toHaveLength(1), { timeoutMs: 30_000 });
    expectMasked(live.records);

    const resumed = await connect(platform, { apiKey: viewer.key });
    try {
      expect(await resumed.subscribe({ stream: 'orders', since: resumeFrom })).toMatchObject({ ok: true });
      await expectEventually(() => expect(resumed.records.filter((r) => r.data.tag === 'legs')).toHaveLength(1), { timeoutMs: 30_000 });
      expectMasked(resumed.records);
    } finally {
      resumed.close();
    }

    const replayer = await connect(platform, { apiKey: viewer.key });
    try {
      const to = new Date().toISOString();
      expect(await replayer.socket.timeout(30_000).emitWithAck(SocketEvent.Replay, { stream: 'orders', from, to })).toMatchObject({ ok: true });
      await expectEventually(() => expect(replayer.eventsNamed(SocketEvent.ReplayEnd)).toHaveLength(1), { timeoutMs: 30_000 });
      expect(replayer.records.every((r) => r.replay === true)).toBe(true);
      expectMasked(replayer.records);
    } finally {
      replayer.close();
    }
  });
});
