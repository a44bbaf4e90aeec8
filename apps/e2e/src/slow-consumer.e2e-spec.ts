import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { Topics } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, testKafka } from '@streamgate/testing';
import type { TestSubscriber } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

const BOUND = 256 * 1024;

// A subscriber that stops reading is taken off live delivery (lag) instead of growing the
// server's memory or slowing the others, and gets everything, in order, once it reads again.
describe('slow consumers', () => {
  let platform: TestPlatform;
  let producer: Producer;
  let normal: TestSubscriber[] = [];
  let slow: TestSubscriber;
  let n = 0;

  beforeAll(async () => {
    platform = await startPlatform({ env: { MAX_SOCKET_BUFFER_BYTES: String(BOUND), RECENT_WINDOW_BYTES: String(4 * 1024 * 1024) } });
    producer = testKafka('e2e-slow').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createStream(platform, { name: 'firehose' });
    const partner = await partnerKey(platform, ['subscribe']);
    await entitle(platform, partner.partnerId, 'firehose');
    slow = await connect(platform, { apiKey: partner.key });
    await subscribeWhenReady(slow, { stream: 'firehose' });
    normal = await Promise.all(Array.from({ length: 10 }, () => connect(platform, { apiKey: partner.key })));
    for (const s of normal) await subscribeWhenReady(s, { stream: 'firehose' });
  });

  afterAll(async () => {
    for (const s of [...normal, slow]) s?.close();
    await producer?.disconnect();
    await platform?.stop();
  });

  const produce = (count: number) =>
    producer.send({
      topic: new Topics(platform.prefix).source('firehose'),
      acks: -1,
      messages: Array.from({ length: count }, () => {
        const i = n++;
        return { key: `k${i % 9}`, value: JSON.stringify({ i, pad: 'x'.repeat(4_000) }), headers: { id: `f-${i}` } };
      }),
    });
  const metric = async (name: string) => {
    const text = await (await fetch(`${platform.url('delivery')}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return Number(line?.split(' ')[1] ?? 0);
  };
  const buffered = (kind: 'total' | 'largest') => metric(`streamgate_delivery_buffered_bytes{kind="${kind}"}`);
  const lagged = () => metric('streamgate_delivery_lagging_total');

  it('lags the one that stops reading, keeps memory bounded and the others current, then catches it up in order', async () => {
    // Stop reading: the client's TCP socket is paused, so the server's writes back up.
    const transport = slow.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } };
    transport.ws._socket.pause();
    let peak = 0;
    // The client reads nothing now, so the server side tells when it lagged.
    for (let round = 0; round < 80 && (await lagged()) === 0; round++) {
      await produce(250);
      peak = Math.max(peak, await buffered('largest'));
    }
    // Under a loaded machine a normal subscriber may lag for a moment too (and catch up): at least one.
    await expectEventually(async () => expect(await lagged()).toBeGreaterThanOrEqual(1), { timeoutMs: 30_000 });
    const atLag = await buffered('largest');
    // Traffic goes on; the lagging socket's buffer does not grow with it.
    for (let round = 0; round < 10; round++) {
      await produce(250);
      peak = Math.max(peak, await buffered('largest'));
    }
    const total = n;
    await expectEventually(() => {
      for (const s of normal) expect(s.records).toHaveLength(total);
    }, { timeoutMs: 60_000 });
    const after = await buffered('largest');
    process.stdout.write(`slow consumer: buffer ${atLag} bytes when it lagged (bound ${BOUND}, checked every 50 ms), ${after} after ${total} records, peak ${peak}\n`);
    expect(after).toBeLessThanOrEqual(atLag);

    transport.ws._socket.resume();
    await expectEventually(() => expect(new Set(slow.ids()).size).toBe(total), { timeoutMs: 90_000, intervalMs: 250 });
    expect(slow.eventsNamed('lag').length).toBeGreaterThanOrEqual(1);
    expect(slow.eventsNamed('lag')[0]?.payload).toEqual(expect.objectContaining({ stream: 'firehose', behind: expect.any(Number) }));
    const ids = slow.ids();
    expect(ids).toHaveLength(total);
    const byKey = new Map<string, number[]>();
    for (const r of slow.records) byKey.set(r.key ?? '', [...(byKey.get(r.key ?? '') ?? []), r.data.i as number]);
    for (const values of byKey.values()) expect(values).toEqual([...values].sort((a, b) => a - b));
    // Back on live delivery.
    await produce(5);
    await expectEventually(() => expect(slow.records).toHaveLength(total + 5), { timeoutMs: 15_000 });
  });
});
