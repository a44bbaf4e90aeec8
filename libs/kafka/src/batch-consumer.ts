import { ConsumerHealth } from './consumer-health';
import { FetchGroups } from './fetch-groups';
import { assertAbortedFilter } from './kafkajs-preload';
import { onSkippedBatches } from './marker-batches';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { BatchConsumerOptions, BatchContext } from './batch-consumer-options';

export type { BatchConsumerOptions, BatchContext, BatchHandler } from './batch-consumer-options';

const DEFAULT_CONCURRENCY = 64;

interface Position {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * A kafkajs consumer running one handler per fetch (all its partitions' batches). The offset of
 * a batch becomes committable only after its handler resolved, so a crash anywhere in the
 * handler redelivers the batch.
 */
export class BatchConsumer {
  private consumer?: Consumer;
  private stopping = false;
  private readonly health = new ConsumerHealth();
  private restartTimer?: NodeJS.Timeout;
  /** Next offset per `topic:partition` after handled batches (where a restart resumes without commits). */
  private readonly next = new Map<string, Position>();
  /** Handled positions not yet committed, per `topic:partition`. */
  private readonly uncommitted = new Map<string, Position>();
  /** This member's partitions (`topic:partition`) since its last group join. */
  private assigned = new Set<string>();
  /**
   * Commits through the running consumer's group directly (the eachBatch payload's), not through
   * `consumer.commitOffsets`, which does nothing once a stop has begun and retries for seconds.
   */
  private commitOffsets?: EachBatchPayload['commitOffsetsIfNecessary'];
  private committing: Promise<void> = Promise.resolve();
  private commitTimer?: NodeJS.Timeout;
  /** One handler call per fetch: the batches kafkajs hands out in one turn of the event loop. */
  private readonly fetches = new FetchGroups<BatchContext>((batches, context) => this.options.handle(batches, context));

  constructor(
    private readonly kafka: Kafka,
    private options: BatchConsumerOptions,
  ) {
    assertAbortedFilter();
  }

  get topics(): readonly string[] {
    return this.options.topics;
  }

  /** Joins the group and runs; `seek` positions partitions explicitly before the first fetch. */
  async start(options: { seek?: Array<{ topic: string; partition: number; offset: string }> } = {}): Promise<void> {
    this.stopping = false;
    const { groupId, topics, fromBeginning } = this.options;
    const commit = !this.options.transactional && (this.options.commit ?? true);
    const consumer = this.kafka.consumer({
      groupId,
      // Short enough that a crashed member's partitions move on within seconds.
      sessionTimeout: this.options.sessionTimeout ?? 10_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 500,
      ...(this.options.minBytes ? { minBytes: this.options.minBytes } : {}),
      ...(this.options.maxBytes ? { maxBytes: this.options.maxBytes } : {}),
      ...(this.options.maxBytesPerPartition ? { maxBytesPerPartition: this.options.maxBytesPerPartition } : {}),
    });
    this.consumer = consumer;
    this.commitOffsets = undefined;
    this.assigned = new Set();
    for (const position of options.seek ?? []) {
      if (!this.next.has(`${position.topic}:${position.partition}`)) this.next.set(`${position.topic}:${position.partition}`, position);
    }
    // kafkajs restarts by itself after retriable errors; after any other it stops for good. Nothing
    // was committed for the failed batch, so restarting redelivers it: a poison batch keeps the
    // consumer failing (and /health red) instead of being skipped.
    consumer.on(consumer.events.CRASH, (event) => {
      if (this.consumer !== consumer || this.stopping) return;
      // kafkajs restarts by itself after exhausting retries of a plain error: still unhealthy.
      this.health.crashed(event.payload.error);
      this.options.onCrash?.(event.payload.error);
      if (event.payload.restart) return;
      // Down until the restart: what was handled and not committed is handled again then.
      clearInterval(this.commitTimer);
      this.uncommitted.clear();
      this.restartTimer = setTimeout(() => void this.restart(), this.health.nextRestartDelay());
    });
    consumer.on(consumer.events.FETCH, () => this.health.fetched());
    onSkippedBatches(consumer, ({ topic, partition, offsetLag }) => this.options.observeSkipped?.(topic, partition, offsetLag));
    if (commit) {
      // Partitions are about to move: commit what this member handled, so their next owner
      // does not handle it again.
      consumer.on(consumer.events.REBALANCING, () => void this.commitHandled());
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        const assignment = event.payload.memberAssignment;
        this.assigned = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`)));
        for (const key of this.uncommitted.keys()) if (!this.assigned.has(key)) this.uncommitted.delete(key);
      });
      clearInterval(this.commitTimer);
      this.commitTimer = setInterval(() => void this.commitHandled(), this.options.commitIntervalMs ?? 1_000).unref();
    }
    if (!commit && !this.options.transactional) {
      // Nothing is committed: a group kafkajs rejoins by itself (after a broker outage) would
      // start at the end of the log and skip what arrived meanwhile. Every join resumes right
      // after the last handled batch instead.
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
          for (const partition of partitions) {
            const position = this.next.get(`${topic}:${partition}`);
            if (position) consumer.seek(position);
          }
        }
      });
    }
    if (this.options.onAssigned) {
      const onAssigned = this.options.onAssigned;
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        const seek = (topic: string, partition: number, offset: string) => consumer.seek({ topic, partition, offset });
        void Promise.resolve(onAssigned(event.payload.memberAssignment, seek)).catch((error: Error) => this.options.onCrash?.(error));
      });
    }
    await consumer.connect();
    if (topics.length > 0) await consumer.subscribe({ topics, fromBeginning });
    const context = (heartbeat: () => Promise<void>): BatchContext => ({ heartbeat, isStopping: () => this.stopping });
    await consumer.run({
      // kafkajs's autoCommit sends an OffsetCommit after every batch of every partition (whatever
      // autoCommitInterval says): a second request per batch on top of the handler's writes. We
      // commit handled offsets ourselves on a timer, at rebalances and at a clean stop instead.
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? DEFAULT_CONCURRENCY,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale, commitOffsetsIfNecessary }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        this.commitOffsets = commitOffsetsIfNecessary;
        const startedAt = Date.now();
        await this.fetches.add(batch, context(heartbeat)).catch((error: unknown) => {
          this.health.handlerFailed();
          throw error;
        });
        this.options.observe?.(batch, startedAt);
        // The handler moved the partition (seek): the batch does not count as handled.
        if (isStale()) return;
        this.health.handled();
        const last = batch.lastOffset();
        const position = { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() };
        this.next.set(`${batch.topic}:${batch.partition}`, position);
        resolveOffset(last);
        if (!commit) return;
        this.uncommitted.set(`${batch.topic}:${batch.partition}`, position);
        // stop() waits for this batch before leaving the group: its offset must go before that.
        if (this.stopping) await this.commitHandled();
      },
    });
    // kafkajs's run can return with the group not up (its start crashed on a broker still
    // loading its coordinator, and kafkajs is retrying): seek then throws, so those positions
    // are applied when the group joins instead of failing the start.
    const unseeked = (options.seek ?? []).filter((position) => {
      try {
        consumer.seek(position);
        return false;
      } catch {
        return true;
      }
    });
    if (unseeked.length > 0) consumer.on(consumer.events.GROUP_JOIN, () => unseeked.splice(0).forEach((position) => consumer.seek(position)));
  }

  /** Moves a partition of the running consumer (e.g. back to a position stored elsewhere). */
  seek(topic: string, partition: number, offset: string): void {
    this.next.set(`${topic}:${partition}`, { topic, partition, offset });
    this.consumer?.seek({ topic, partition, offset });
  }

  /**
   * Commits the positions handled since the last commit, one commit at a time. A failed commit
   * keeps them for the next try while this member still owns the partition and nothing newer
   * was handled (at worst, a crash then redelivers them: at-least-once). Never rejects.
   */
  private commitHandled(): Promise<void> {
    this.committing = this.committing
      .then(async () => {
        const commitOffsets = this.commitOffsets;
        if (!commitOffsets || this.uncommitted.size === 0) return;
        const positions = [...this.uncommitted.entries()];
        this.uncommitted.clear();
        const topics = new Map<string, Array<{ partition: number; offset: string }>>();
        for (const [, { topic, partition, offset }] of positions) {
          const partitions = topics.get(topic) ?? [];
          partitions.push({ partition, offset });
          topics.set(topic, partitions);
        }
        try {
          await commitOffsets({ topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
        } catch (error) {
          for (const [key, position] of positions) if (this.assigned.has(key) && !this.uncommitted.has(key)) this.uncommitted.set(key, position);
          if (!this.stopping) this.options.onCommitFailed?.(error as Error);
        }
      })
      .catch(() => undefined);
    return this.committing;
  }

  /** For /health: fails while the consumer is down after a crash. */
  async check(): Promise<void> {
    const problem = this.problem();
    if (problem) throw new Error(problem);
  }

  /** Why the consumer is down after a crash, if it is. */
  problem(): string | undefined {
    return this.health.problem(this.options.groupId);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    const old = this.consumer;
    this.consumer = undefined;
    await old?.disconnect().catch(() => undefined);
    if (this.stopping) return;
    // Without committed offsets, resume right after the last handled batch.
    const fromMemory = this.options.commit === false && !this.options.transactional;
    await this.start({ seek: fromMemory ? [...this.next.values()] : [] }).catch((error: Error) => {
      this.health.crashed(error);
      this.restartTimer = setTimeout(() => void this.restart(), ConsumerHealth.LONGEST_RESTART_DELAY);
    });
  }

  /** Replaces the subscription (kafkajs cannot change it on a running consumer). */
  async resubscribe(topics: string[]): Promise<void> {
    await this.stop();
    this.options = { ...this.options, topics };
    await this.start();
  }

  /** Commits what was handled, lets the running batch finish (and commit), then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.commitTimer);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    if (!this.options.transactional && (this.options.commit ?? true)) await this.commitHandled();
    await consumer.disconnect();
  }
}
