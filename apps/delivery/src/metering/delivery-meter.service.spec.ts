import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@streamgate/contracts';
import type { UsageEvent } from '@streamgate/contracts';
import type { RecordProducer } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import type { DeliveryConfig } from '../config/delivery.config';
import type { UsageWindows } from '../delivery/usage-windows';
import { DeliveryMeter } from './delivery-meter.service';
import { UsageRecorder } from './usage-recorder';

const connections = { drain: () => [] } as unknown as UsageWindows;
const member = (n: number) => ({ subscriptionId: `s${n}`, partnerId: 'p', keyId: 'k', stream: 'x', lineage: `l${n}` });
const sent = (offset: number) => ({ partition: 0, first: offset, last: offset, count: 1, bytes: 10 });

function platform(dir: string, producer: RecordProducer) {
  const config = { USAGE_WINDOW: 1_000, MAX_UNSENT_USAGE_EVENTS: 1_000, INSTANCE_ID: 'test', USAGE_JOURNAL_DIR: dir, PORT: 0 } as DeliveryConfig;
  const recorder = new UsageRecorder(config);
  return { recorder, meter: new DeliveryMeter(config, recorder, connections, producer, new Topics(''), new Metrics()) };
}

function collecting(failures = 0) {
  const written: UsageEvent[] = [];
  const producer = {
    send: async (_topic: string, messages: Array<{ value: string }>) => {
      if (failures-- > 0) throw new Error('broker unreachable');
      written.push(...messages.map((m) => JSON.parse(m.value) as UsageEvent));
    },
  } as unknown as RecordProducer;
  return { written, producer, failuresLeft: () => failures };
}

describe('DeliveryMeter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'delivery-meter-'));
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  // A Kafka outage longer than five retries used to reject the flush chain: an unhandled
  // rejection that ended the process, and no later window was ever reported.
  it('keeps every window until Kafka takes it during an outage, retrying with backoff, and never rejects', async () => {
    const sink = collecting(8);
    const { recorder, meter } = platform(dir, sink.producer);
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      meter.onApplicationBootstrap();
      // Two minutes of windows, one delivery in each: the backoff (0.5 s doubling to 30 s) outlasts eight failures.
      for (let i = 0; i < 120; i++) {
        recorder.direct(member(i), sent(i));
        await jest.advanceTimersByTimeAsync(1_000);
      }
      await meter.onApplicationShutdown();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
    expect(sink.failuresLeft()).toBeLessThan(0);
    // Every window reported exactly once, in order, although the first ones waited out the outage.
    const ids = sink.written.map((e) => e.id);
    expect(ids.length).toBe(120);
    expect(new Set(ids).size).toBe(120);
    expect(ids[0]).toMatch(/^delivered:s0:/);
    // All reported at a clean stop: the journal is empty.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('after a crash, the next process on the journal reports the windows the dead one did not, with their ids', async () => {
    const first = collecting(1_000);
    const dead = platform(dir, first.producer);
    dead.meter.onApplicationBootstrap();
    // Window 1 is closed (its report failed), window 2 is open when the process dies.
    dead.recorder.activate('g0', member(1));
    dead.recorder.sent('g0', { partition: 0, first: 10, last: 14, count: 5, bytes: 50 });
    await jest.advanceTimersByTimeAsync(1_000);
    dead.recorder.sent('g0', { partition: 0, first: 15, last: 16, count: 2, bytes: 20 });
    dead.recorder.direct(member(2), sent(17));
    expect(first.written).toEqual([]);

    // No shutdown hook: SIGKILL. A new process takes the same directory.
    const second = collecting();
    const next = platform(dir, second.producer);
    next.meter.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    const delivered = [...second.written].sort((a, b) => a.windowStart.localeCompare(b.windowStart) || a.id.localeCompare(b.id)).map((e) => ({ id: e.id.replace(/:\d{4}-.*$/, ''), records: e.counters.recordsDelivered, bytes: e.counters.bytesDelivered, offsets: e.offsets }));
    expect(delivered).toEqual([
      { id: 'delivered:s1', records: 5, bytes: 50, offsets: { 0: [10, 14] } },
      { id: 'delivered:s1', records: 2, bytes: 20, offsets: { 0: [15, 16] } },
      { id: 'delivered:s2', records: 1, bytes: 10, offsets: { 0: [17, 17] } },
    ]);
    // The ids the dead process would have used (its window starts), so a report it did make counts once.
    const windowStarts = new Set(second.written.map((e) => e.windowStart));
    expect(windowStarts.size).toBe(2);
    await next.meter.onApplicationShutdown();
    expect(readdirSync(dir)).toEqual([]);
  });
});
