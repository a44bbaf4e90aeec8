import type { Batch, Consumer, Kafka } from 'kafkajs';

export interface BatchContext {
  /** Keeps the group membership alive during long batches. */
  heartbeat(): Promise<void>;
  /** True once stop() was called: finish quickly, the batch will be redelivered. */
  isStopping(): boolean;
}

export type BatchHandler = (batch: Batch, context: BatchContext) => Promise<void>;

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  handle: BatchHandler;
  /** Where a group without committed offsets starts. */
  fromBeginning: boolean;
  /**
   * Commit `lastOffset + 1` after each handled batch (at-least-once). Off for consumers that
   * keep no group position, such as delivery instances that each read the whole topic.
   */
  commit?: boolean;
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number;
  onCrash?: (error: Error) => void;
}

/**
 * A kafkajs consumer running one handler per batch. The offset of a batch is committed only
 * after its handler resolved, so a crash anywhere in the handler redelivers the batch.
 */
export class BatchConsumer {
  private consumer?: Consumer;
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private options: BatchConsumerOptions,
  ) {}

  get topics(): readonly string[] {
    return this.options.topics;
  }

  /** Joins the group and runs; `seek` positions partitions explicitly before the first fetch. */
  async start(options: { seek?: Array<{ topic: string; partition: number; offset: string }> } = {}): Promise<void> {
    this.stopping = false;
    const { groupId, topics, fromBeginning, handle } = this.options;
    const commit = this.options.commit ?? true;
    const consumer = this.kafka.consumer({
      groupId,
      // Short enough that a crashed member's partitions move on within seconds.
      sessionTimeout: this.options.sessionTimeout ?? 10_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    if (this.options.onCrash) {
      const onCrash = this.options.onCrash;
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) onCrash(event.payload.error);
      });
    }
    await consumer.connect();
    if (topics.length > 0) await consumer.subscribe({ topics, fromBeginning });
    const context = (heartbeat: () => Promise<void>): BatchContext => ({ heartbeat, isStopping: () => this.stopping });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        await handle(batch, context(heartbeat));
        const last = batch.lastOffset();
        resolveOffset(last);
        if (commit) {
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
          ]);
        }
      },
    });
    for (const position of options.seek ?? []) consumer.seek(position);
  }

  /** Replaces the subscription (kafkajs cannot change it on a running consumer). */
  async resubscribe(topics: string[]): Promise<void> {
    await this.stop();
    this.options = { ...this.options, topics };
    await this.start();
  }

  /** Lets the running batch finish (and commit), then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.disconnect();
  }
}
