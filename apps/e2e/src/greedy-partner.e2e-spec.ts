import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { SocketEvent, Topics } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TestSubscriber, expectEventually, testKafka } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

// A greedy partner — many sockets, many replays, many distinct filters — gets coded refusals
// at its limits, and another partner's live records keep flowing. Before: sockets were
// unlimited without a plan's maxConnections, and 40 replays started 40 Kafka consumers.
describe('a greedy partner is bounded', () => {
  let platform: TestPlatform;
  let producer: Producer;
  const greedySockets: TestSubscriber[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ env: { DEFAULT_MAX_CONNECTIONS: '6', MAX_REPLAYS_PER_PARTNER: '3', MAX_FILTERS_PER_PARTNER_STREAM: '4' } });
    producer = testKafka('e2e-greedy').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createStream(platform, { name: 'feed' });
  });

  afterAll(async () => {
    greedySockets.forEach((s) => s.close());
    await producer?.disconnect();
    await platform?.stop();
  });

  const produce = (ids: string[]) =>
    producer.send({ topic: new Topics(platform.prefix).source('feed'), acks: -1, messages: ids.map((id, i) => ({ value: JSON.stringify({ i, note: id }), headers: { id } })) });

  it('refuses a filter over the cost budget (the 3.4 KB, 240-way concatenation) on subscribe and in an entitlement, with a reason', async () => {
    const balanced = (n: number): string => (n === 1 ? 'data.note' : `(${balanced(Math.floor(n / 2))} + ${balanced(n - Math.floor(n / 2))})`);
    const costly = `${balanced(240)} contains "zz"`;
    expect(costly.length).toBeGreaterThan(3_000);
    const partner = await partnerKey(platform, ['subscribe'], 'Costly');
    await entitle(platform, partner.partnerId, 'feed');
    const sub = await connect(platform, { apiKey: partner.key });
    await subscribeWhenReady(sub, { stream: 'feed', filter: 'data.i > 1' });
    const refused = await sub.subscribe({ stream: 'feed', filter: costly });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_FILTER', message: expect.stringMatching(/cost/i) } });
    const res = await platform.admin.put(`/v1/partners/${partner.partnerId}/entitlements/feed`, { filter: costly });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/cost/i);
    sub.close();
  });

  it('refuses sockets past the default limit, replays past the per-partner limit, filters past the per-stream limit; the neighbour is served', async () => {
    const neighbour = await partnerKey(platform, ['subscribe'], 'Neighbour');
    await entitle(platform, neighbour.partnerId, 'feed');
    const calm = await connect(platform, { apiKey: neighbour.key });
    await subscribeWhenReady(calm, { stream: 'feed' });

    const greedy = await partnerKey(platform, ['subscribe'], 'Greedy');
    await entitle(platform, greedy.partnerId, 'feed');
    await produce(Array.from({ length: 500 }, (_, i) => `old-${i}`));
    await expectEventually(() => expect(calm.records).toHaveLength(500), { timeoutMs: 30_000 });
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date().toISOString();

    // Sockets: the plan sets no maxConnections, so DEFAULT_MAX_CONNECTIONS (6) applies.
    greedySockets.push(await connect(platform, { apiKey: greedy.key }));
    for (let i = 1; i < 6; i++) greedySockets.push(await TestSubscriber.connect(platform.url('delivery'), { apiKey: greedy.key }));
    await expect(TestSubscriber.connect(platform.url('delivery'), { apiKey: greedy.key })).rejects.toThrow('TOO_MANY_CONNECTIONS');

    // Replays: three at once, the rest refused with a code.
    const acks = await Promise.all(greedySockets.map((s) => s.socket.timeout(30_000).emitWithAck(SocketEvent.Replay, { stream: 'feed', from, to })));
    expect(acks.filter((a) => a.ok)).toHaveLength(3);
    expect(acks.filter((a) => !a.ok).map((a) => a.error.code)).toEqual(['TOO_MANY_REPLAYS', 'TOO_MANY_REPLAYS', 'TOO_MANY_REPLAYS']);

    // Filters: four distinct ones on the stream, the fifth refused; a repeat is free.
    const filterAcks = [];
    for (let i = 0; i < 5; i++) filterAcks.push(await greedySockets[i]!.subscribe({ stream: 'feed', filter: `data.i > ${i}` }));
    expect(filterAcks.slice(0, 4).every((a) => a.ok)).toBe(true);
    expect(filterAcks[4]).toMatchObject({ ok: false, error: { code: 'TOO_MANY_FILTERS' } });
    expect(await greedySockets[5]!.subscribe({ stream: 'feed', filter: 'data.i > 0' })).toMatchObject({ ok: true });

    // The neighbour's live records arrive meanwhile.
    await produce(['live-1', 'live-2']);
    await expectEventually(() => expect(calm.ids()).toEqual(expect.arrayContaining(['live-1', 'live-2'])), { timeoutMs: 10_000 });

    // Closing a socket gives its connection back.
    greedySockets.pop()?.close();
    await expectEventually(async () => greedySockets.push(await TestSubscriber.connect(platform.url('delivery'), { apiKey: greedy.key })));
    expect((await fetch(`${platform.url('delivery')}/health`)).status).toBe(200);
    calm.close();
  });
});
