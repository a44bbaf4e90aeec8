import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { StreamgateClient } from '@streamgate/client';
import { Topics } from '@streamgate/contracts';
import type { DeliveredRecord } from '@streamgate/contracts';
import { AppProcess, startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TestSubscriber, expectEventually, freePort, testKafka } from '@streamgate/testing';
import { createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

// Two delivery instances, each reading records.enriched in full; one is SIGKILLed and the SDK's
// subscribers resume on the other with `since`: no record missed, none handed over twice.
describe('many delivery instances, failover with the partner SDK, long-polling', () => {
  let platform: TestPlatform;
  let second: AppProcess;
  let producer: Producer;
  let key: string;
  let n = 0;

  beforeAll(async () => {
    platform = await startPlatform();
    second = new AppProcess({ app: 'delivery', env: { ...platform.env, INSTANCE_ID: 'delivery-b' }, port: await freePort(), output: join(platform.logDir, 'delivery-b.log') });
    await second.start();
    producer = testKafka('e2e-failover').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createStream(platform, { name: 'orders' });
    const partner = await partnerKey(platform, ['subscribe']);
    key = partner.key;
    await entitle(platform, partner.partnerId, 'orders');
  });

  afterAll(async () => {
    await producer?.disconnect();
    await second?.stop();
    await platform?.stop();
  });

  const produce = (count: number) => {
    const messages = Array.from({ length: count }, () => {
      const i = n++;
      return { key: `k${i % 7}`, value: JSON.stringify({ i }), headers: { id: `o-${i}` } };
    });
    return producer.send({ topic: new Topics(platform.prefix).source('orders'), acks: -1, messages });
  };

  it('loses no record when the instance a subscriber is on is SIGKILLed', async () => {
    const received: DeliveredRecord[] = [];
    const recovered: boolean[] = [];
    const client = new StreamgateClient({ urls: [platform.url('delivery'), second.url], apiKey: key, reconnectDelayMs: 200 });
    await expectEventually(() => client.connect(), { timeoutMs: 15_000 });
    // Delivery learns the stream and the entitlement from the control topics a moment later.
    await expectEventually(() => client.subscribe('orders', { record: (r) => received.push(r), recovered: (ok) => recovered.push(ok) }), { timeoutMs: 15_000 });
    await expectEventually(async () => {
      await produce(1);
      expect(received.length).toBeGreaterThan(0);
    }, { timeoutMs: 15_000, intervalMs: 500 });
    const start = n;
    const pump = setInterval(() => void produce(25), 50);
    await expectEventually(() => expect(received.length).toBeGreaterThan(200), { timeoutMs: 15_000 });
    await platform.apps.delivery.kill();
    await expectEventually(() => expect(recovered).toContain(true), { timeoutMs: 15_000 });
    await expectEventually(() => expect(received.length).toBeGreaterThan(600), { timeoutMs: 15_000 });
    clearInterval(pump);
    await produce(5);
    const ids = received.map((r) => r.id);
    await expectEventually(() => {
      const got = new Set(received.map((r) => r.id));
      const missing = Array.from({ length: n - start }, (_, j) => `o-${start + j}`).filter((id) => !got.has(id));
      expect(missing).toEqual([]);
    }, { timeoutMs: 30_000 });
    expect(new Set(ids).size).toBe(ids.length);
    const byKey = new Map<string, number[]>();
    for (const r of received) byKey.set(r.key ?? '', [...(byKey.get(r.key ?? '') ?? []), r.data.i as number]);
    for (const values of byKey.values()) expect(values).toEqual([...values].sort((a, b) => a - b));
    process.stdout.write(`failover: ${received.length} records, none missed, none duplicated\n`);
    client.close();
    await platform.apps.delivery.start();
  });

  it('works over Socket.IO long-polling', async () => {
    const polling = await expectEventually(() => TestSubscriber.connect(second.url, { apiKey: key }, { transports: ['polling'] }));
    expect(polling.socket.io.engine.transport.name).toBe('polling');
    await subscribeWhenReady(polling, { stream: 'orders' });
    const before = n;
    await produce(20);
    await expectEventually(() => expect(polling.records.filter((r) => Number(r.id.slice(2)) >= before)).toHaveLength(20), { timeoutMs: 15_000 });
    polling.close();
  });
});
