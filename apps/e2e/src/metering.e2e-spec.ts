import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { Topics } from '@streamgate/contracts';
import type { DeliveredRecord } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, httpClient, testKafka } from '@streamgate/testing';
import type { TestSubscriber } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

interface UsageRow {
  partnerId: string;
  stream: string | null;
  recordsDelivered: number;
  bytesDelivered: number;
}

const RECORDS = 5_000;

// Exact metering: what subscribers counted equals what metering stored, to the record and the
// byte, across two SIGKILLs of metering and a forced re-consume of usage.events.
describe('exact metering (five app processes)', () => {
  let platform: TestPlatform;
  let topics: Topics;
  let producer: Producer;
  const partners: Array<{ partnerId: string; key: string; sockets: TestSubscriber[] }> = [];

  beforeAll(async () => {
    platform = await startPlatform({ env: { USAGE_WINDOW: '1s' } });
    topics = new Topics(platform.prefix);
    producer = testKafka('e2e-metering').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createStream(platform, { name: 'alpha' });
    await createStream(platform, { name: 'beta' });
    const policies = [{}, { filter: 'data.n % 3 != 0', mask: ['data.note'] }, { fields: ['data.n', 'data.note'] }];
    for (const [i, policy] of policies.entries()) {
      const { partnerId, key } = await partnerKey(platform, ['subscribe', 'usage:read'], `Metered ${i}`);
      await entitle(platform, partnerId, 'alpha', policy);
      await entitle(platform, partnerId, 'beta', policy);
      partners.push({ partnerId, key, sockets: [] });
    }
    // Several subscriptions each: two sockets on both streams, a batch-mode one, a filtered one.
    for (const [i, p] of partners.entries()) {
      const a = await connect(platform, { apiKey: p.key });
      await subscribeWhenReady(a, { stream: 'alpha' });
      await subscribeWhenReady(a, { stream: 'beta', batch: i === 1 });
      const b = await connect(platform, { apiKey: p.key });
      await subscribeWhenReady(b, { stream: 'alpha', filter: i === 2 ? 'data.n < 2500' : 'data.n >= 0' });
      p.sockets.push(a, b);
    }
  });

  afterAll(async () => {
    for (const p of partners) for (const s of p.sockets) s.close();
    await producer?.disconnect();
    await platform?.stop();
  });

  const counted = () => {
    const out = new Map<string, { records: number; bytes: number }>();
    for (const p of partners) {
      for (const socket of p.sockets) {
        for (const record of socket.records as DeliveredRecord[]) {
          const key = `${p.partnerId}/${record.stream}`;
          const entry = out.get(key) ?? { records: 0, bytes: 0 };
          entry.records++;
          entry.bytes += Buffer.byteLength(JSON.stringify(record));
          out.set(key, entry);
        }
      }
    }
    return out;
  };

  const metered = async () => {
    const finance = httpClient(platform.url('metering'), String(platform.env.FINANCE_TOKEN));
    const res = await finance.get<UsageRow[]>(`/v1/usage?granularity=month&from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`);
    expect(res.status).toBe(200);
    const out = new Map<string, { records: number; bytes: number }>();
    for (const row of res.body.filter((r) => r.stream !== null && r.recordsDelivered > 0)) {
      const key = `${row.partnerId}/${row.stream}`;
      const entry = out.get(key) ?? { records: 0, bytes: 0 };
      entry.records += row.recordsDelivered;
      entry.bytes += row.bytesDelivered;
      out.set(key, entry);
    }
    return out;
  };

  it('equals what the subscribers counted, across two SIGKILLs of metering', async () => {
    for (let n = 0; n < RECORDS; n += 250) {
      if (n === 1_000) await platform.apps.metering.kill();
      if (n === 2_000) await platform.apps.metering.start();
      if (n === 3_000) await platform.apps.metering.kill();
      if (n === 4_000) await platform.apps.metering.start();
      await producer.send({
        topic: topics.source(n % 500 === 0 ? 'beta' : 'alpha'),
        acks: -1,
        messages: Array.from({ length: 250 }, (_, i) => ({ key: `k${(n + i) % 11}`, value: JSON.stringify({ n: n + i, note: `record ${n + i}` }), headers: { id: `m-${n + i}` } })),
      });
    }
    // Every subscriber has everything it is entitled to (the producer is done)...
    await expectEventually(() => {
      const seen = new Set(partners[0]!.sockets[0]!.records.map((r) => r.id));
      expect(seen.size).toBe(RECORDS);
    }, { timeoutMs: 60_000, intervalMs: 250 });
    // ...and metering's report matches it exactly, once the last windows are counted.
    const expected = counted();
    await expectEventually(async () => expect(await metered()).toEqual(expected), { timeoutMs: 60_000, intervalMs: 500 });
    process.stdout.write(`metered exactly: ${JSON.stringify([...expected.values()].reduce((n, v) => n + v.records, 0))} deliveries\n`);
  });

  it('does not change when usage.events is consumed again from the beginning', async () => {
    const before = await metered();
    await platform.apps.metering.stop();
    const db = new Client({ connectionString: String(platform.env.DATABASE_URL) });
    await db.connect();
    const reset = await db.query('UPDATE consumer_offsets SET next_offset = 0 WHERE group_id = $1', [`${platform.prefix}streamgate.metering`]);
    await db.end();
    expect(reset.rowCount).toBeGreaterThan(0);
    await platform.apps.metering.start();
    await expectEventually(async () => {
      const metrics = await (await fetch(`${platform.url('metering')}/metrics`)).text();
      const duplicates = Number(/streamgate_metering_usage_events_total\{outcome="duplicate"\} (\d+)/.exec(metrics)?.[1] ?? 0);
      expect(duplicates).toBeGreaterThan(0);
    }, { timeoutMs: 30_000 });
    expect(await metered()).toEqual(before);
  });

  // Before the usage journal: 1,222 of 4,690 deliveries of the crash phase were never metered
  // (the window in progress died with the process). Now nothing sent is lost from the meter.
  // What can exceed the subscribers' count is what was in flight at the kill: metered when it
  // was handed to the socket, then lost with the connection (a SIGKILLed process's sockets are
  // reset, which drops the kernel's unsent data). Seen: 14–36 per (partner, stream) at ~500
  // records/s, more on a loaded machine. A partner that resumes with its lineage is not metered
  // twice for them (metering-resume.e2e-spec.ts); these raw sockets never resume. The bound
  // here is half a second of the stream.
  it('meters every delivery across a SIGKILL of delivery: the next process reports what the dead one had not', async () => {
    const before = counted();
    // A steady stream (~500 records/s) while delivery is killed mid-flight.
    let n = 100_000;
    const pump = setInterval(() => {
      const messages = Array.from({ length: 50 }, () => ({ key: `k${n % 11}`, value: JSON.stringify({ n: n++, note: 'crash' }) }));
      void producer.send({ topic: topics.source('alpha'), acks: -1, messages }).catch(() => undefined);
    }, 100);
    await expectEventually(() => expect(partners[0]!.sockets[0]!.records.length).toBeGreaterThan(RECORDS + 1_000), { timeoutMs: 30_000 });
    await platform.apps.delivery.kill();
    clearInterval(pump);
    const delivered = counted();
    const during = [...delivered.values()].reduce((sum, v) => sum + v.records, 0) - [...before.values()].reduce((sum, v) => sum + v.records, 0);
    // The restarted process (same USAGE_JOURNAL_DIR) reports the windows the dead one left.
    await platform.apps.delivery.start();
    const overCount = new Map<string, number>();
    let previous = '';
    await expectEventually(async () => {
      const now = await metered();
      // Settled: two reads a second apart agree.
      const snapshot = JSON.stringify([...now].sort());
      const settled = snapshot === previous;
      previous = snapshot;
      expect(settled).toBe(true);
      expect([...now.keys()].sort()).toEqual([...delivered.keys()].sort());
      for (const [key, value] of delivered) {
        const over = (now.get(key)?.records ?? 0) - value.records;
        expect(over).toBeGreaterThanOrEqual(0);
        expect(over).toBeLessThanOrEqual(250);
        overCount.set(key, over);
      }
    }, { timeoutMs: 60_000, intervalMs: 1_000 });
    const extra = [...overCount.values()].reduce((sum, v) => sum + v, 0);
    process.stdout.write(`delivery SIGKILL: ${during} deliveries during the crash phase, none lost from the meter; ${extra} in flight at the kill metered but not received\n`);
  });
});
