import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Batch, Kafka } from 'kafkajs';
import { HealthRegistry, Metrics } from '@streamgate/service';
import { BatchConsumer } from './batch-consumer';
import type { BatchConsumerOptions } from './batch-consumer';
import { KAFKA } from './kafka.tokens';

/** Seconds from a record's Kafka timestamp to its handling: 1 ms to 5 minutes. */
export const RECORD_AGE_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300];

/**
 * Creates an app's BatchConsumers with what every one of them needs: the app's Kafka client,
 * a /health link that fails while the consumer is down, and per-hop metrics — records behind
 * the end of the log at its last handled batch, and the age of each record when its handling starts
 * (for records written by the platform, the time since the previous hop produced it).
 */
@Injectable()
export class BatchConsumers {
  private readonly logger = new Logger(BatchConsumers.name);
  private readonly lag = this.metrics.gauge('streamgate_consumer_lag_records', 'Records between a consumer and the end of the log, at its last handled batch', ['consumer', 'topic', 'partition']);
  private readonly age = this.metrics.histogram(
    'streamgate_consumer_record_age_seconds',
    "From a record's Kafka timestamp to the start of its handling",
    ['consumer'],
    RECORD_AGE_BUCKETS,
  );

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly metrics: Metrics,
    private readonly health: HealthRegistry,
  ) {}

  /**
   * `name` labels the metrics; `health` names the /health link (default `consumer`: one main
   * consumer per app, a second one needs a name of its own).
   */
  create(name: string, options: Omit<BatchConsumerOptions, 'observe'>, health = 'consumer'): BatchConsumer {
    const age = this.age.labels(name);
    // Partitions this consumer has lag series for, so that those it no longer reads (after a
    // rebalance or a resubscription) stop reporting their last value.
    const series = new Map<string, { topic: string; partition: number }>();
    const consumer = new BatchConsumer(this.kafka, {
      onCommitFailed: (error) => this.logger.warn({ msg: 'offset commit failed, retrying with the next', consumer: name, error: error.message }),
      ...options,
      observe: (batch: Batch, startedAt: number) => {
        series.set(`${batch.topic}:${batch.partition}`, { topic: batch.topic, partition: batch.partition });
        this.lag.set({ consumer: name, topic: batch.topic, partition: batch.partition }, Number(batch.offsetLag()));
        for (const message of batch.messages) age.observe(Math.max(0, startedAt - Number(message.timestamp)) / 1000);
      },
      onAssigned: async (assignment, seek) => {
        for (const [key, { topic, partition }] of series) {
          if (assignment[topic]?.includes(partition)) continue;
          this.lag.remove({ consumer: name, topic, partition });
          series.delete(key);
        }
        await options.onAssigned?.(assignment, seek);
      },
    });
    this.health.register(health, () => consumer.check());
    return consumer;
  }
}
