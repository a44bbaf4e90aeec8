import { Topics } from '@streamgate/contracts';
import type { RecordProducer } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import type { DeliveryConfig } from '../config/delivery.config';
import type { LiveFeed } from '../delivery/live-feed';
import type { ReplayLane } from '../delivery/replay-lane';
import type { UsageWindows } from '../delivery/usage-windows';
import { DeliveryMeter } from './delivery-meter.service';

// A Kafka outage longer than five retries used to reject the flush chain: an unhandled
// rejection that ended the process, and no later window was ever reported.
describe('DeliveryMeter during a usage.events outage', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('keeps every window until Kafka takes it, retrying with backoff, and never rejects', async () => {
    let window = 0;
    const feed = { groups: { drain: () => [{ subscriptionId: `s${window++}`, partnerId: 'p', keyId: 'k', stream: 'x', records: 1, bytes: 10, offsets: {} }] } } as unknown as LiveFeed;
    const connections = { drain: () => [] } as unknown as UsageWindows;
    const replays = { drain: () => [] } as unknown as ReplayLane;
    const written: string[] = [];
    let failures = 8;
    const producer = {
      send: async (_topic: string, messages: Array<{ value: string }>) => {
        if (failures-- > 0) throw new Error('broker unreachable');
        written.push(...messages.map((m) => (JSON.parse(m.value) as { id: string }).id));
      },
    } as unknown as RecordProducer;
    const config = { USAGE_WINDOW: 1_000, MAX_UNSENT_USAGE_EVENTS: 1_000, INSTANCE_ID: 'test' } as DeliveryConfig;
    const meter = new DeliveryMeter(config, feed, connections, replays, producer, new Topics(''), new Metrics());
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      meter.onApplicationBootstrap();
      // Two minutes of windows: the backoff (0.5 s doubling to 30 s) outlasts eight failures.
      for (let i = 0; i < 120; i++) await jest.advanceTimersByTimeAsync(1_000);
      await meter.onApplicationShutdown();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
    expect(failures).toBeLessThan(0);
    // Every window reported exactly once, in order, although the first ones waited out the outage.
    expect(written.length).toBe(window);
    expect(new Set(written).size).toBe(written.length);
    expect(written[0]).toMatch(/^delivered:s0:/);
  });
});
