import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Batch, Kafka } from 'kafkajs';
import { HealthRegistry, Metrics } from '@streamgate/service';
import { BatchConsumer } from './batch-consumer';
import type { BatchConsumerOptions } from './batch-consumer';
import { KAFKA, KAFKA_ADMIN, TRANSACTION_INTERVAL } from './kafka.tokens';
import { PartitionTransactions } from './partition-transactions';
import { transactionalHandler } from './transactional-fetch';
import type { FetchTransform } from './transactional-fetch';

/** A consumer whose handler only transforms: each batch's output and offset go in one transaction. */
export type TransactionalConsumerOptions = Omit<BatchConsumerOptions, 'observe' | 'observeSkipped' | 'handle' | 'commit' | 'transactional'> & {
  transform: FetchTransform;
  /** Transactional ids are `<prefix>.<input topic>.<partition>` (default: the group id). */
  transactionalIdPrefix?: string;
};

/** Seconds from a record's Kafka timestamp to its handling: 1 ms to 5 minutes. */
export const RECORD_AGE_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300];

/**
 * Creates an app's BatchConsumers with what every one of them needs: the app's Kafka client,
 * a /health link that fails while the consumer is down, and per-hop metrics — records behind
 * the end of the log at its last handled batch, and the age of each record when its handling starts
 * (for records written by the platform, the time since the previous hop produced it).
 */
@Injectable()
export class BatchConsumers implements OnApplicationShutdown {
  private readonly logger = new Logger(BatchConsumers.name);
  private readonly lag = this.metrics.gauge('streamgate_consumer_lag_records', 'Records between a consumer and the end of the log, at its last handled batch', ['consumer', 'topic', 'partition']);
  private readonly age = this.metrics.histogram(
    'streamgate_consumer_record_age_seconds',
    "From a record's Kafka timestamp to the start of its handling",
    ['consumer'],
    RECORD_AGE_BUCKETS,
  );

  private readonly transactions: PartitionTransactions[] = [];

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(TRANSACTION_INTERVAL) private readonly transactionIntervalMs: number,
    private readonly metrics: Metrics,
    private readonly health: HealthRegistry,
  ) {}

  /**
   * `name` labels the metrics; `health` names the /health link (default `consumer`: one main
   * consumer per app, a second one needs a name of its own).
   */
  /**
   * Exactly once from the input topics to the output topics: see PartitionTransactions. The
   * producers close at application shutdown, after the consumers stopped.
   */
  createTransactional(name: string, options: TransactionalConsumerOptions, health = 'consumer'): BatchConsumer {
    const { transform, transactionalIdPrefix, ...rest } = options;
    const transactions = new PartitionTransactions(this.kafka, this.admin, { groupId: options.groupId, transactionalIdPrefix: transactionalIdPrefix ?? options.groupId });
    this.transactions.push(transactions);
    const consumer: BatchConsumer = this.create(
      name,
      {
        ...rest,
        // The transaction interval: the broker holds a fetch until it has this long's records
        // (or a MiB), so each partition commits at most about this often.
        minBytes: 1024 * 1024,
        maxWaitTimeInMs: this.transactionIntervalMs,
        transactional: true,
        handle: transactionalHandler(transactions, transform, (topic, partition, offset) => consumer.seek(topic, partition, offset)),
        onAssigned: async (assignment, seek) => {
          await transactions.assigned(assignment);
          await options.onAssigned?.(assignment, seek);
        },
      },
      health,
    );
    return consumer;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.transactions.map((t) => t.close()));
  }

  create(name: string, options: Omit<BatchConsumerOptions, 'observe' | 'observeSkipped'>, health = 'consumer'): BatchConsumer {
    const age = this.age.labels(name);
    // Partitions this consumer has lag series for, so that those it no longer reads (after a
    // rebalance or a resubscription) stop reporting their last value.
    const series = new Map<string, { topic: string; partition: number }>();
    const consumer = new BatchConsumer(this.kafka, {
      onCommitFailed: (error) => this.logger.warn({ msg: 'offset commit failed, retrying with the next', consumer: name, error: error.message }),
      ...options,
      // A transaction's commit marker is the last offset of its partition: without this, a
      // consumer of records.* that has read everything would report a lag of 1 for ever.
      observeSkipped: (topic, partition, lag) => {
        if (series.has(`${topic}:${partition}`)) this.lag.set({ consumer: name, topic, partition }, lag);
      },
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
