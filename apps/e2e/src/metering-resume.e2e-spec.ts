import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { StreamgateClient } from '@streamgate/client';
import type { DeliveredRecord, PartitionPositions } from '@streamgate/contracts';
import { Topics } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, testKafka } from '@streamgate/testing';
import { connect, createStream, currentUsage, entitle, partnerKey } from './e2e-helpers';

// What a partner is billed for across a SIGKILL of delivery, when it resumes as the SDK does:
// the dead process's unreported usage comes back from its journal, and what it had sent that
// never arrived (lost with the reset connection) is sent again on the resume without being
// metered again: the resume carries the subscription's lineage. Metered = received, exactly.
describe('metering across a delivery SIGKILL, with the SDK resuming', () => {
  let platform: TestPlatform;
  let producer: Producer;
  let client: StreamgateClient;
  let partnerId = '';
  const received: DeliveredRecord[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ env: { USAGE_WINDOW: '1s' } });
    producer = testKafka('e2e-metering-resume').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createStream(platform, { name: 'ticks' });
    const partner = await partnerKey(platform, ['subscribe', 'usage:read'], 'Resuming Partner');
    partnerId = partner.partnerId;
    await entitle(platform, partnerId, 'ticks');
    // dedupeIds 0: every record the socket delivers is counted, repeats included.
    client = new StreamgateClient({ urls: [platform.url('delivery')], apiKey: partner.key, dedupeIds: 0, reconnectDelayMs: 100, resumeAttempts: 20 });
    await expectEventually(() => client.connect(), { timeoutMs: 30_000 });
    await expectEventually(() => client.subscribe('ticks', { record: (r) => received.push(r) }), { timeoutMs: 30_000 });
  });

  const meteredFor = async (partner: string) =>
    (await currentUsage(platform, 'ticks')).filter((r) => r.partnerId === partner).reduce((sum, r) => sum + r.recordsDelivered, 0);
  let n = 0;
  const send = (count: number) =>
    producer.send({ topic: new Topics(platform.prefix).source('ticks'), acks: -1, messages: Array.from({ length: count }, () => ({ key: `k${n % 7}`, value: JSON.stringify({ n: n++ }), headers: { id: `t-${n}` } })) });

  afterAll(async () => {
    client?.close();
    await producer?.disconnect();
    await platform?.stop();
  });

  it('meters exactly what the subscriber received', async () => {
    const first = n;
    // ~500 records/s; delivery is SIGKILLed in the middle, restarted, and the stream goes on.
    const pump = setInterval(() => void send(50).catch(() => undefined), 100);
    try {
      await expectEventually(() => expect(received.length).toBeGreaterThan(2_000), { timeoutMs: 60_000 });
      await platform.apps.delivery.kill();
      await platform.apps.delivery.start();
      const mark = received.length;
      await expectEventually(() => expect(received.length).toBeGreaterThan(mark + 1_000), { timeoutMs: 60_000 });
    } finally {
      clearInterval(pump);
    }
    const produced = n - first;
    await expectEventually(() => expect(new Set(received.map((r) => r.id)).size).toBe(produced), { timeoutMs: 60_000 });
    const metered = () => meteredFor(partnerId);
    await expectEventually(async () => expect(await metered()).toBe(received.length), { timeoutMs: 60_000, intervalMs: 1_000 });
    const repeats = received.length - new Set(received.map((r) => r.id)).size;
    process.stdout.write(`delivery SIGKILL with the SDK resuming: ${produced} records, ${received.length} received (${repeats} repeats), metered ${await metered()}\n`);
  });

  // The deterministic form of the crash case: a partner resumes from an older position (what it
  // really received) with its lineage, so the records after it are sent again. They were metered
  // when first sent; they are not metered again. A resume without the lineage is a new
  // subscription, and is metered for everything it is sent.
  it('does not meter a resume with the lineage again for what was sent before, and meters one without it', async () => {
    const partner = await partnerKey(platform, ['subscribe'], 'Lineage Partner');
    await entitle(platform, partner.partnerId, 'ticks');
    const original = await connect(platform, { apiKey: partner.key });
    const ack = await expectEventually(async () => {
      const answer = await original.subscribe({ stream: 'ticks' });
      expect(answer).toMatchObject({ ok: true, lineage: expect.any(String) });
      return answer as { ok: true; lineage: string; position: PartitionPositions };
    });
    await send(100);
    await expectEventually(() => expect(original.records).toHaveLength(100));
    original.close();
    await expectEventually(async () => expect(await meteredFor(partner.partnerId)).toBe(100), { timeoutMs: 30_000, intervalMs: 500 });

    // It says it received only the first 40: since is their last position per partition.
    const since: PartitionPositions = { ...ack.position };
    for (const record of original.records.slice(0, 40)) {
      const [partition, offset] = record.pos.split(':') as [string, string];
      since[partition] = Math.max(since[partition] ?? -1, Number(offset));
    }
    const resumed = await connect(platform, { apiKey: partner.key });
    expect(await resumed.subscribe({ stream: 'ticks', since, lineage: ack.lineage })).toMatchObject({ ok: true, lineage: ack.lineage });
    // Per partition in order; the catch-up goes partition by partition.
    await expectEventually(() => expect([...resumed.ids()].sort()).toEqual(original.ids().slice(40).sort()));
    // Ten new records: metered once each; the sixty sent again are not.
    await send(10);
    await expectEventually(() => expect(resumed.records).toHaveLength(70));
    await expectEventually(async () => expect(await meteredFor(partner.partnerId)).toBe(110), { timeoutMs: 30_000, intervalMs: 500 });
    resumed.close();

    // Without the lineage: a new subscription, metered for the seventy it is sent.
    const fresh = await connect(platform, { apiKey: partner.key });
    expect(await fresh.subscribe({ stream: 'ticks', since })).toMatchObject({ ok: true });
    await expectEventually(() => expect(fresh.records).toHaveLength(70));
    await expectEventually(async () => expect(await meteredFor(partner.partnerId)).toBe(180), { timeoutMs: 30_000, intervalMs: 500 });
    fresh.close();
  });
});
