import { Metrics } from '@streamgate/service';
import type { DeliveryConfig } from '../config/delivery.config';
import { UsageRecorder } from '../metering/usage-recorder';
import { LiveFeed } from './live-feed';

const config = { RECENT_WINDOW_BYTES: 1024, RECENT_WINDOW_AGE: 60_000, PORT: 0 } as DeliveryConfig;

// The chaos run's 4,419 lost records: a client resumed on a delivery restarted 5 s earlier,
// before its consumer had positions; the catch-up saw no gap and joined live at the log end.
describe('LiveFeed start positions', () => {
  it('holds a resume until the read of records.enriched knows where it starts, and fails it after the bound', async () => {
    const feed = new LiveFeed(config, new Metrics(), new UsageRecorder(config));
    await expect(feed.positioned(20)).rejects.toThrow('not being read yet');
    const waiting = feed.positioned(5_000);
    feed.startsAfter([{ partition: 0, offset: 41 }, { partition: 1, offset: -1 }]);
    await expect(waiting).resolves.toBeUndefined();
    expect(feed.positions.snapshot()).toEqual({ 0: 41, 1: -1 });
  });
});
