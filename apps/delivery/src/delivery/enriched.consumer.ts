import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { TopicName, Topics } from '@streamgate/contracts';
import { BatchConsumer, BatchConsumers, KAFKA_ADMIN, fetchEndOffsets } from '@streamgate/kafka';
import type { Admin } from '@streamgate/kafka';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { DeliveryHub } from './delivery-hub.service';

/**
 * Every delivery instance reads records.enriched in full for its own sockets: a group of its
 * own, no committed offsets, live from the end of the log at start-up.
 */
@Injectable()
export class EnrichedConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EnrichedConsumer.name);
  private readonly consumer: BatchConsumer;
  private readonly topic: string;

  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(DELIVERY_CONFIG) config: DeliveryConfig,
    topics: Topics,
    private readonly hub: DeliveryHub,
    consumers: BatchConsumers,
  ) {
    this.topic = topics.name(TopicName.RecordsEnriched);
    const instance = config.INSTANCE_ID ?? `${hostname()}-${process.pid}-${Date.now().toString(36)}`;
    this.consumer = consumers.create('delivery', {
      groupId: `${topics.prefix}streamgate.delivery.${instance}`,
      topics: [this.topic],
      fromBeginning: false,
      commit: false,
      // publish() fans a batch out synchronously: at 6,000 records/s whole 6 MB fetches blocked
      // the event loop (and every socket) for over a second.
      maxBytes: 1024 * 1024,
      maxBytesPerPartition: 256 * 1024,
      handle: async (batches) => batches.forEach((batch) => this.hub.publish(batch)),
      onCrash: (error) => this.logger.error({ msg: 'consumer crashed', error: error.message }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Live delivery starts right after the positions the first acks report.
    const ends = await fetchEndOffsets(this.admin, this.topic);
    for (const { partition, offset } of ends) this.hub.positions.set(partition, Number(offset) - 1);
    await this.consumer.start({ seek: ends.map(({ partition, offset }) => ({ topic: this.topic, partition, offset })) });
    this.logger.log({ msg: 'reading records.enriched', topic: this.topic, partitions: ends.length });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
