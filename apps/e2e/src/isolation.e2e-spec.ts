import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { Topics } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TestSubscriber, expectEventually, httpClient, testKafka } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

const TRADERS = ['alice-the-trader', 'bob-the-trader'];
const SECRET = 'top-secret-strategy';

// Two partners, three streams, different entitlements: each sees exactly what it may, on every
// field and row; revocations stop delivery within a second.
describe('isolation and revocation (entitled delivery)', () => {
  let platform: TestPlatform;
  let topics: Topics;
  let producer: Producer;
  const secrets: string[] = [];
  let a: { partnerId: string; key: string; keyId: string };
  let b: { partnerId: string; key: string; keyId: string };

  beforeAll(async () => {
    platform = await startPlatform({ env: { MAX_SUBSCRIPTIONS_PER_SOCKET: '3' } });
    secrets.push(String(platform.env.ADMIN_TOKEN));
    topics = new Topics(platform.prefix);
    producer = testKafka('e2e-isolation').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (const name of ['trades', 'quotes', 'news']) await createStream(platform, { name });
    a = await partnerKey(platform, ['subscribe'], 'Partner A');
    b = await partnerKey(platform, ['subscribe'], 'Partner B');
    secrets.push(a.key, b.key);
    await entitle(platform, a.partnerId, 'trades', { fields: ['data.symbol', 'data.price', 'data.trader', 'meta.enrichedAt'], mask: ['data.trader'], filter: 'data.region == "eu"' });
    await entitle(platform, a.partnerId, 'quotes');
    await entitle(platform, b.partnerId, 'trades', { filter: 'data.price > 100' });
    await entitle(platform, b.partnerId, 'news', { mask: ['data.author'] });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });

  const produce = async (stream: string, records: Array<Record<string, unknown>>, prefix: string) =>
    producer.send({ topic: topics.source(stream), acks: -1, messages: records.map((data, i) => ({ key: String(data.symbol ?? i), value: JSON.stringify(data), headers: { id: `${prefix}-${i}` } })) });

  const trades = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ symbol: i % 3 === 0 ? 'ACME' : 'BETA', price: 50 + (i % 10) * 20, region: i % 2 ? 'eu' : 'us', trader: TRADERS[i % 2], secret: SECRET, n: i }));

  it('delivers to each partner exactly its rows and fields, masked values never in clear', async () => {
    const subA = await connect(platform, { apiKey: a.key });
    const subB = await connect(platform, { apiKey: b.key });
    await subscribeWhenReady(subA, { stream: 'trades' });
    await subscribeWhenReady(subA, { stream: 'quotes' });
    await subscribeWhenReady(subB, { stream: 'trades', filter: 'data.symbol == "ACME"' });
    await subscribeWhenReady(subB, { stream: 'news' });
    expect(await subA.subscribe({ stream: 'news' })).toEqual({ ok: false, error: { code: 'NOT_ENTITLED', message: expect.any(String) } });
    expect(await subB.subscribe({ stream: 'quotes' })).toMatchObject({ ok: false, error: { code: 'NOT_ENTITLED' } });

    const sent = trades('t', 300);
    await produce('trades', sent, 't');
    await produce('quotes', Array.from({ length: 50 }, (_, i) => ({ bid: i, ask: i + 1 })), 'q');
    await produce('news', Array.from({ length: 50 }, (_, i) => ({ title: `headline ${i}`, author: 'Jane Reporter' })), 'n');

    const expectA = sent.filter((t) => t.region === 'eu').map((t) => `t-${t.n}`).sort();
    const expectB = sent.filter((t) => t.price > 100 && t.symbol === 'ACME').map((t) => `t-${t.n}`).sort();
    await expectEventually(() => {
      expect(subA.of('trades').map((r) => r.id).sort()).toEqual(expectA);
      expect(subA.of('quotes')).toHaveLength(50);
      expect(subB.of('trades').map((r) => r.id).sort()).toEqual(expectB);
      expect(subB.of('news')).toHaveLength(50);
    }, { timeoutMs: 30_000 });

    for (const record of subA.of('trades')) {
      expect(Object.keys(record.data).sort()).toEqual(['price', 'symbol', 'trader']);
      expect(record.data.trader).toBe('***');
      expect(Object.keys(record.meta)).toEqual(['enrichedAt']);
    }
    const clearA = JSON.stringify(subA.records);
    for (const hidden of [...TRADERS, SECRET, '"region"']) expect(clearA).not.toContain(hidden);
    for (const record of subB.of('trades')) expect(record.data).toMatchObject({ symbol: 'ACME', region: expect.any(String), secret: SECRET });
    for (const record of subB.of('news')) expect(record.data.author).toBe('***');
    expect(JSON.stringify(subB.of('news'))).not.toContain('Jane Reporter');
    expect(subA.records.some((r) => r.stream === 'news') || subB.records.some((r) => r.stream === 'quotes')).toBe(false);
    subA.close();
    subB.close();
  });

  it('applies a widened entitlement without reconnecting', async () => {
    const sub = await connect(platform, { apiKey: a.key });
    await subscribeWhenReady(sub, { stream: 'trades' });
    await entitle(platform, a.partnerId, 'trades', { fields: ['data.symbol', 'data.region'] });
    await expectEventually(async () => {
      await produce('trades', [{ symbol: 'PING', region: 'us', price: 1, trader: 'x' }], `w${Date.now()}`);
      expect(sub.of('trades').some((r) => r.data.region === 'us')).toBe(true);
    }, { timeoutMs: 15_000, intervalMs: 500 });
    expect(sub.of('trades').filter((r) => r.data.region === 'us').every((r) => Object.keys(r.data).sort().join() === 'region,symbol')).toBe(true);
    sub.close();
  });

  it('refuses bad subscriptions with their codes', async () => {
    const sub = await connect(platform, { apiKey: b.key });
    expect(await sub.subscribe({ stream: 'nope' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STREAM' } });
    expect(await sub.subscribe({ stream: 'trades', filter: 'data.price > ' })).toMatchObject({ ok: false, error: { code: 'INVALID_FILTER', position: 13 } });
    expect(await sub.subscribe({} as never)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    await subscribeWhenReady(sub, { stream: 'trades' });
    await subscribeWhenReady(sub, { stream: 'news' });
    await createStream(platform, { name: 'extra1' });
    await createStream(platform, { name: 'extra2' });
    await entitle(platform, b.partnerId, 'extra1');
    await entitle(platform, b.partnerId, 'extra2');
    await subscribeWhenReady(sub, { stream: 'extra1' });
    await expectEventually(async () => expect(await sub.subscribe({ stream: 'extra2' })).toMatchObject({ ok: false, error: { code: 'TOO_MANY_SUBSCRIPTIONS' } }));
    expect(await sub.unsubscribe('extra1')).toEqual({ ok: true });
    expect(await sub.unsubscribe('extra1')).toMatchObject({ ok: false, error: { code: 'NOT_SUBSCRIBED' } });
    sub.close();
  });

  it('refuses bad credentials at the handshake', async () => {
    const refused = async (auth: Record<string, string>) => (await TestSubscriber.connect(platform.url('delivery'), auth).then(() => 'connected', (e: Error) => e.message));
    expect(await refused({})).toBe('UNAUTHORIZED');
    expect(await refused({ apiKey: 'sg_live_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).toBe('UNAUTHORIZED');
    expect(await refused({ token: 'not.a.token' })).toBe('UNAUTHORIZED');
    const publishOnly = await partnerKey(platform, ['publish'], 'Publisher');
    expect(await refused({ apiKey: publishOnly.key })).toBe('UNAUTHORIZED');
  });

  it('mints browser tokens narrowed to entitled streams; a token for one stream cannot subscribe another; expired tokens are refused', async () => {
    const minter = httpClient(platform.url('access-control'), a.key);
    expect(await minter.post('/v1/tokens', { streams: ['news'] })).toMatchObject({ status: 403, body: { error: { code: 'NOT_ENTITLED' } } });
    expect(await minter.post('/v1/tokens', { ttlSeconds: 86_401 })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_TTL' } } });
    expect((await httpClient(platform.url('access-control'), 'nope').post('/v1/tokens', {})).status).toBe(401);
    const minted = await minter.post<{ token: string; expiresAt: string; streams: string[] }>('/v1/tokens', { streams: ['quotes'] });
    expect(minted).toMatchObject({ status: 201, body: { streams: ['quotes'] } });
    expect(Date.parse(minted.body.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    secrets.push(minted.body.token);
    const sub = await connect(platform, { token: minted.body.token });
    await subscribeWhenReady(sub, { stream: 'quotes' });
    expect(await sub.subscribe({ stream: 'trades' })).toMatchObject({ ok: false, error: { code: 'NOT_ENTITLED' } });
    sub.close();

    const short = await minter.post<{ token: string }>('/v1/tokens', { streams: ['quotes'], ttlSeconds: 1 });
    secrets.push(short.body.token);
    await expectEventually(async () => {
      const outcome = await TestSubscriber.connect(platform.url('delivery'), { token: short.body.token }).then((s) => (s.close(), 'connected'), (e: Error) => e.message);
      expect(outcome).toBe('TOKEN_EXPIRED');
    }, { timeoutMs: 5_000, intervalMs: 250 });
  });

  describe('revocation stops delivery within a second', () => {
    const latencies: Record<string, number> = {};

    afterAll(() => process.stdout.write(`revocation latency (ms): ${JSON.stringify(latencies)}\n`));

    async function measure(name: string, sub: TestSubscriber, revoke: () => Promise<unknown>, reason: string): Promise<void> {
      const started = Date.now();
      await revoke();
      const event = await expectEventually(() => {
        const found = sub.eventsNamed('revoked').find((e) => (e.payload as { reason: string }).reason === reason);
        expect(found).toBeDefined();
        return found!;
      }, { timeoutMs: 5_000, intervalMs: 10 });
      latencies[name] = event.at - started;
      expect(latencies[name]).toBeLessThanOrEqual(1_000);
    }

    it('when the entitlement is deleted', async () => {
      const sub = await connect(platform, { apiKey: a.key });
      await subscribeWhenReady(sub, { stream: 'quotes' });
      await subscribeWhenReady(sub, { stream: 'trades' });
      await measure('entitlement', sub, () => platform.admin.delete(`/v1/partners/${a.partnerId}/entitlements/quotes`), 'ENTITLEMENT_REVOKED');
      expect(sub.eventsNamed('revoked').map((e) => e.payload)).toEqual([{ stream: 'quotes', reason: 'ENTITLEMENT_REVOKED' }]);
      // Quotes produced now never arrive; a later trade proves the pipeline delivered past them.
      const before = sub.of('quotes').length;
      await produce('quotes', [{ bid: 1 }], `after-${Date.now()}`);
      await produce('trades', [{ symbol: 'MARK', region: 'eu', price: 1 }], 'marker');
      await expectEventually(() => expect(sub.ids()).toContain('marker-0'), { timeoutMs: 15_000 });
      expect(sub.of('quotes')).toHaveLength(before);
      expect(sub.socket.connected).toBe(true);
      sub.close();
    });

    it('when the key is revoked (its sockets are disconnected, tokens minted from it die too)', async () => {
      const c = await partnerKey(platform, ['subscribe'], 'Partner C');
      secrets.push(c.key);
      await entitle(platform, c.partnerId, 'news');
      const token = (await httpClient(platform.url('access-control'), c.key).post<{ token: string }>('/v1/tokens', {})).body.token;
      secrets.push(token);
      const byKey = await connect(platform, { apiKey: c.key });
      const byToken = await connect(platform, { token });
      await subscribeWhenReady(byKey, { stream: 'news' });
      await subscribeWhenReady(byToken, { stream: 'news' });
      await measure('key', byKey, () => platform.admin.delete(`/v1/partners/${c.partnerId}/keys/${c.keyId}`), 'KEY_REVOKED');
      await expectEventually(() => expect(byKey.disconnectedAt && byToken.disconnectedAt).toBeTruthy(), { timeoutMs: 1_000, intervalMs: 10 });
      expect(byToken.eventsNamed('revoked').map((e) => e.payload)).toEqual([{ stream: 'news', reason: 'KEY_REVOKED' }]);
      const again = await TestSubscriber.connect(platform.url('delivery'), { token }).then(() => 'connected', (e: Error) => e.message);
      expect(again).toBe('UNAUTHORIZED');
    });

    it('when the partner is deleted', async () => {
      const d = await partnerKey(platform, ['subscribe'], 'Partner D');
      secrets.push(d.key);
      await entitle(platform, d.partnerId, 'trades');
      const sub = await connect(platform, { apiKey: d.key });
      await subscribeWhenReady(sub, { stream: 'trades' });
      await measure('partner', sub, () => platform.admin.delete(`/v1/partners/${d.partnerId}`), 'KEY_REVOKED');
      await expectEventually(() => expect(sub.disconnectedAt).toBeDefined(), { timeoutMs: 1_000, intervalMs: 10 });
    });
  });

  it('withdraws a suspended partner\'s keys everywhere, and restores them on reactivation', async () => {
    const e = await partnerKey(platform, ['subscribe'], 'Partner E');
    secrets.push(e.key);
    await entitle(platform, e.partnerId, 'quotes');
    const sub = await connect(platform, { apiKey: e.key });
    await subscribeWhenReady(sub, { stream: 'quotes' });
    expect((await platform.admin.patch(`/v1/partners/${e.partnerId}`, { status: 'suspended' })).status).toBe(200);
    await expectEventually(() => expect(sub.disconnectedAt).toBeDefined(), { timeoutMs: 2_000 });
    expect((await httpClient(platform.url('access-control'), e.key).post('/v1/tokens', {})).status).toBe(401);
    expect(await TestSubscriber.connect(platform.url('delivery'), { apiKey: e.key }).then(() => 'connected', (err: Error) => err.message)).toBe('UNAUTHORIZED');
    expect((await platform.admin.patch(`/v1/partners/${e.partnerId}`, { status: 'active' })).status).toBe(200);
    const again = await connect(platform, { apiKey: e.key });
    await subscribeWhenReady(again, { stream: 'quotes' });
    again.close();
  });

  it('records every admin change in the audit log, without secrets', async () => {
    const audit = await platform.admin.get<Array<{ action: string; targetType: string; actor: string; before: unknown; after: unknown }>>('/v1/audit?limit=500');
    expect(audit.status).toBe(200);
    const actions = new Set(audit.body.map((e) => e.action));
    for (const action of ['stream.create', 'partner.create', 'partner.delete', 'key.create', 'key.revoke', 'entitlement.create', 'entitlement.update', 'entitlement.delete']) expect(actions).toContain(action);
    expect(audit.body.every((e) => e.actor.startsWith('admin@'))).toBe(true);
    const update = audit.body.find((e) => e.action === 'entitlement.update');
    expect(update?.before).toBeDefined();
    expect(update?.after).toBeDefined();
    const text = JSON.stringify(audit.body);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('never writes a secret to any app log', async () => {
    await platform.stop();
    const logs = readdirSync(platform.logDir).map((f) => readFileSync(join(platform.logDir, f), 'utf8')).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});

describe('failed authentications are rate-limited per client address', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ apps: ['access-control', 'delivery'], env: { AUTH_FAILURES_PER_MINUTE: '3' } });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('answers 429 with Retry-After on the admin API and the token endpoint, RATE_LIMITED at the handshake', async () => {
    const wrong = httpClient(platform.url('access-control'), 'wrong-admin-token-000');
    for (let i = 0; i < 3; i++) expect((await wrong.get('/v1/streams')).status).toBe(401);
    const limited = await wrong.get('/v1/streams');
    expect(limited).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right token waits out the window from a locked-out address.
    expect((await platform.admin.get('/v1/streams')).status).toBe(429);
    expect((await httpClient(platform.url('access-control'), 'x').post('/v1/tokens', {})).status).toBe(429);

    const handshake = () => TestSubscriber.connect(platform.url('delivery'), { apiKey: 'bad' }).then(() => 'connected', (e: Error) => e.message);
    for (let i = 0; i < 3; i++) expect(await handshake()).toBe('UNAUTHORIZED');
    expect(await handshake()).toBe('RATE_LIMITED');
  });
});
