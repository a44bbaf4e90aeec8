import { hostname } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import { TopicName, Topics } from '@streamgate/contracts';
import { ConsumerHooks, KAFKA_ADMIN, fetchEndOffsets } from '@streamgate/kafka';
import type { Admin } from '@streamgate/kafka';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { LiveFeed } from './live-feed';

/**
 * Where this instance's read of records.enriched starts: a group of its own (every instance
 * reads every partition for its own sockets), live from the end of the log at start-up, which
 * is also the position the first acks report.
 */
@Injectable()
export class EnrichedPositions {
  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(DELIVERY_CONFIG) config: DeliveryConfig,
    private readonly topics: Topics,
    private readonly feed: LiveFeed,
    hooks: ConsumerHooks,
  ) {
    const instance = config.INSTANCE_ID ?? `${hostname()}-${process.pid}-${Date.now().toString(36)}`;
    hooks.register(TopicName.RecordsEnriched, { groupSuffix: instance, beforeStart: () => this.startAtEnd() });
  }

  private async startAtEnd(): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    const topic = this.topics.name(TopicName.RecordsEnriched);
    const ends = await fetchEndOffsets(this.admin, topic);
    this.feed.startsAfter(ends.map(({ partition, offset }) => ({ partition, offset: Number(offset) - 1 })));
    return ends.map(({ partition, offset }) => ({ topic, partition, offset }));
  }
}
