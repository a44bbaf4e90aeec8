import { TopicName } from '@streamgate/contracts';
import { ConsumeBatches, ConsumerController } from '@streamgate/kafka';
import type { Batch } from '@streamgate/kafka';
import { METERING_GROUP, UsageLedger } from './usage-ledger.service';

/** usage.events → the ledger in PostgreSQL, exactly once (offsets stored with the aggregates). */
@ConsumerController()
export class UsageController {
  constructor(private readonly ledger: UsageLedger) {}

  @ConsumeBatches(TopicName.UsageEvents, { group: METERING_GROUP, topics: [TopicName.UsageEvents] })
  apply(batches: Batch[]): Promise<void> {
    return this.ledger.apply(batches);
  }
}
