import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { StreamgateClient } from '@streamgate/client';
import { SocketEvent, Topics } from '@streamgate/contracts';
import type { DeliveredRecord } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TestSubscriber, expectEventually, httpClient, testKafka } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

// Long-lived sessions: plan connection limits, token expiry warnings and in-place refresh.
describe('sessions: connection limits and token refresh', () => {
  let platform: TestPlatform;
  let producer: Producer;
  let partner: { partnerId: string; key: string };

  beforeAll(async () => {
    platform = await startPlatform();
    producer = testKafka('e2e-sessions').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createStream(platform, { name: 'feed' });
    const admin = httpClient(platform.url('metering'), String(platform.env.ADMIN_TOKEN));
    expect((await admin.post('/v1/plans', { id: 'two', name: 'Two sockets', pricePerMillionRecords: '1', pricePerGb: '1', maxConnections: 2 })).status).toBe(201);
    partner = await partnerKey(platform, ['subscribe'], 'Limited');
    await platform.admin.patch(`/v1/partners/${partner.partnerId}`, { plan: 'two' });
    await entitle(platform, partner.partnerId, 'feed');
  });

  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });

  const produce = (id: string) => producer.send({ topic: new Topics(platform.prefix).source('feed'), acks: -1, messages: [{ value: '{}', headers: { id } }] });
  const attempt = (auth: Record<string, string>) => TestSubscriber.connect(platform.url('delivery'), auth).then((s) => s, (e: Error) => e.message);

  it('refuses connections over the plan limit with TOO_MANY_CONNECTIONS', async () => {
    const first = await connect(platform, { apiKey: partner.key });
    // The plan's limit reaches delivery through metering's quota state.
    const second = await expectEventually(async () => {
      const s = await connect(platform, { apiKey: partner.key });
      const third = await attempt({ apiKey: partner.key });
      if (typeof third !== 'string') {
        third.close();
        s.close();
        throw new Error('the limit is not known yet');
      }
      expect(third).toBe('TOO_MANY_CONNECTIONS');
      return s;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    second.close();
    const again = await expectEventually(async () => {
      const s = await attempt({ apiKey: partner.key });
      if (typeof s === 'string') throw new Error(s);
      return s;
    });
    again.close();
    first.close();
  });

  it('warns before a token expires, continues on refresh without reconnecting, and ends an expired one', async () => {
    const minter = httpClient(platform.url('access-control'), partner.key);
    const mint = async (ttlSeconds: number) => (await minter.post<{ token: string; expiresAt: string }>('/v1/tokens', { ttlSeconds })).body;
    const short = await mint(3);
    const sub = await connect(platform, { token: short.token });
    await subscribeWhenReady(sub, { stream: 'feed' });
    const warning = await expectEventually(() => {
      const event = sub.eventsNamed(SocketEvent.TokenExpiring)[0];
      expect(event).toBeDefined();
      return event!;
    }, { timeoutMs: 5_000, intervalMs: 50 });
    expect(warning.payload).toEqual({ expiresAt: short.expiresAt });
    expect(warning.at).toBeLessThan(Date.parse(short.expiresAt));
    const renewed = await mint(60);
    expect(await sub.socket.timeout(5_000).emitWithAck(SocketEvent.Refresh, { token: renewed.token })).toEqual({ ok: true, expiresAt: renewed.expiresAt });
    await expectEventually(() => expect(Date.now()).toBeGreaterThan(Date.parse(short.expiresAt) + 1_000), { timeoutMs: 10_000, intervalMs: 250 });
    expect(sub.socket.connected).toBe(true);
    await produce('after-refresh');
    await expectEventually(() => expect(sub.ids()).toContain('after-refresh'));
    expect(await sub.socket.timeout(5_000).emitWithAck(SocketEvent.Refresh, { token: 'forged' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    sub.close();

    const expiring = await mint(2);
    const lapsed = await connect(platform, { token: expiring.token });
    await subscribeWhenReady(lapsed, { stream: 'feed' });
    await expectEventually(() => expect(lapsed.disconnectedAt).toBeDefined(), { timeoutMs: 10_000, intervalMs: 100 });
    expect(lapsed.eventsNamed('revoked').map((e) => e.payload)).toEqual([{ stream: 'feed', reason: 'TOKEN_EXPIRED' }]);
  });

  it('lets the SDK refresh tokens by itself', async () => {
    const minter = httpClient(platform.url('access-control'), partner.key);
    let minted = 0;
    const received: DeliveredRecord[] = [];
    const client = new StreamgateClient({
      urls: [platform.url('delivery')],
      token: async () => {
        minted++;
        return (await minter.post<{ token: string }>('/v1/tokens', { ttlSeconds: 3 })).body.token;
      },
    });
    await expectEventually(() => client.connect());
    await expectEventually(() => client.subscribe('feed', { record: (r) => received.push(r) }));
    await expectEventually(() => expect(minted).toBeGreaterThanOrEqual(3), { timeoutMs: 15_000, intervalMs: 250 });
    await produce('sdk-after-refreshes');
    await expectEventually(() => expect(received.map((r) => r.id)).toContain('sdk-after-refreshes'));
    expect(client.connected).toBe(true);
    client.close();
  });
});
