import { TopicName } from '@streamgate/contracts';
import { ConsumeBatches, ConsumerController } from '@streamgate/kafka';
import type { Batch } from '@streamgate/kafka';
import { LiveFeed } from './live-feed';

/** records.enriched → this instance's sockets (no committed offsets; see EnrichedPositions). */
@ConsumerController()
export class EnrichedController {
  constructor(private readonly feed: LiveFeed) {}

  @ConsumeBatches(TopicName.RecordsEnriched, {
    group: 'delivery',
    topics: [TopicName.RecordsEnriched],
    fromBeginning: false,
    commit: false,
    // publish() fans a batch out synchronously: at 6,000 records/s whole 6 MB fetches blocked
    // the event loop (and every socket) for over a second.
    maxBytes: 1024 * 1024,
    maxBytesPerPartition: 256 * 1024,
  })
  publish(batches: Batch[]): void {
    for (const batch of batches) this.feed.publish(batch);
  }
}
