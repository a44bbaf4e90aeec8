import { Inject, Injectable, Logger } from '@nestjs/common';
import { TopicName, Topics } from '@streamgate/contracts';
import { ConsumerHooks, KAFKA_ADMIN, consumerGroupId } from '@streamgate/kafka';
import type { Admin, Batch } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { PartnerDirectory } from '../partners/partner-directory.service';
import { QuotaService } from '../quotas/quota.service';
import { UsageRepository } from './usage.repository';

/** Metering's consumer group, as declared on UsageController. */
export const METERING_GROUP = 'metering';

/**
 * usage.events → PostgreSQL, exactly once: each batch is applied in one transaction with its
 * offsets (see UsageRepository); on every assignment the partitions are moved to the offsets
 * stored there. Kafka's committed offsets follow for lag monitoring only.
 */
@Injectable()
export class UsageLedger {
  private readonly logger = new Logger(UsageLedger.name);
  private readonly groupId: string;
  private readonly topic: string;
  private readonly events = this.metrics.counter('streamgate_metering_usage_events_total', 'Usage events read', ['outcome']);
  private readonly batchSeconds = this.metrics.histogram('streamgate_metering_batch_seconds', 'Time to apply one batch of usage events');

  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    topics: Topics,
    private readonly usage: UsageRepository,
    private readonly partners: PartnerDirectory,
    private readonly quotas: QuotaService,
    private readonly metrics: Metrics,
    private readonly hooks: ConsumerHooks,
  ) {
    this.groupId = consumerGroupId(topics, METERING_GROUP);
    this.topic = topics.name(TopicName.UsageEvents);
    hooks.register(TopicName.UsageEvents, { beforeStart: () => this.moveGroupToStored(), onAssigned: (assignment, seek) => this.seekToStored(assignment, seek) });
  }

  /**
   * One database transaction per partition (the offsets are stored with each partition's
   * aggregates); all of them settle before a failure fails the call, so none runs on after it.
   */
  async apply(batches: Batch[]): Promise<void> {
    const failed = (await Promise.allSettled(batches.map((batch) => this.applyOne(batch)))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async moveGroupToStored(): Promise<void> {
    // The offsets stored with the aggregates are the truth: the group starts from them (a
    // seek at join time alone can lose the race with kafkajs resolving committed offsets).
    const stored = await this.usage.storedOffsets(this.groupId, this.topic);
    if (stored.size > 0) {
      await this.admin
        .setOffsets({ groupId: this.groupId, topic: this.topic, partitions: [...stored].map(([partition, offset]) => ({ partition, offset })) })
        .catch((error: Error) => this.logger.warn({ msg: 'could not move the group to the stored offsets (other members active?)', error: error.message }));
    }
  }

  private async seekToStored(assignment: Record<string, number[]>, seek: (topic: string, partition: number, offset: string) => void): Promise<void> {
    const stored = await this.usage.storedOffsets(this.groupId, this.topic);
    for (const partition of assignment[this.topic] ?? []) {
      const offset = stored.get(partition);
      if (offset !== undefined) seek(this.topic, partition, offset);
    }
  }

  private async applyOne(batch: Batch): Promise<void> {
    const stop = this.batchSeconds.startTimer();
    const result = await this.usage.apply(
      { groupId: this.groupId, topic: batch.topic, partition: batch.partition },
      batch.messages.map((m) => ({ offset: m.offset, value: m.value })),
      (partnerId) => this.partners.timeZoneOf(partnerId),
    );
    if (result.gapFrom !== undefined) {
      this.logger.warn({ msg: 'batch after the stored offset: seeking back', partition: batch.partition, from: result.gapFrom, batchStart: batch.firstOffset() });
      this.hooks.consumer(TopicName.UsageEvents)?.seek(batch.topic, batch.partition, result.gapFrom);
      stop();
      return;
    }
    this.events.inc({ outcome: 'counted' }, result.counted);
    this.events.inc({ outcome: 'duplicate' }, result.duplicates);
    this.events.inc({ outcome: 'stale' }, result.stale);
    this.events.inc({ outcome: 'invalid' }, result.invalid.length);
    for (const bad of result.invalid) this.logger.error({ msg: 'invalid usage event skipped', partition: batch.partition, offset: bad.offset, reason: bad.reason });
    stop();
    this.quotas.touched(result.partners);
  }
}
