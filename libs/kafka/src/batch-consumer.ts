import type { Batch, Consumer, EachBatchPayload, Kafka } from 'kafkajs';

export interface BatchContext {
  /** Keeps the group membership alive during long batches. */
  heartbeat(): Promise<void>;
  /** True once stop() was called: finish quickly, the batch will be redelivered. */
  isStopping(): boolean;
}

/**
 * Handles the batches of one fetch together — one per partition that had records — so that
 * their outputs go out in one write instead of one per partition.
 */
export type BatchHandler = (batches: Batch[], context: BatchContext) => Promise<void>;

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  handle: BatchHandler;
  /** Where a group without committed offsets starts. */
  fromBeginning: boolean;
  /**
   * Commit the group position (at-least-once): a batch's offset becomes committable once its
   * handler succeeded, and committable offsets are committed every `commitIntervalMs`, when the
   * group rebalances and at a clean stop. Off for consumers that keep no group position, such as
   * delivery instances reading the whole topic.
   */
  commit?: boolean;
  /**
   * How often handled offsets are committed (default 1 s): a crash redelivers what was handled
   * since the last successful commit — about this much, more while commits fail.
   */
  commitIntervalMs?: number;
  /**
   * Partitions handled at once (default 64): every partition of a fetch, up to this many, goes to
   * one handler call; more wait for the next. (With several brokers, kafkajs fetches from each
   * at once: batches of fetches that arrive in the same turn share a call.)
   */
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number;
  /**
   * How long the broker holds a fetch when there is nothing to read. A record that arrives
   * ends the wait at once, so this only sets how often an idle consumer polls (and how long a
   * seek or stop may wait for the fetch in flight). Default 500 ms.
   */
  maxWaitTimeInMs?: number;
  /**
   * Bytes one fetch may return, in all and per partition (kafkajs: 10 MiB and 1 MiB). A consumer
   * whose handler runs synchronously on the event loop keeps its pauses short with smaller
   * fetches; a record larger than the limit still comes, alone.
   */
  maxBytes?: number;
  maxBytesPerPartition?: number;
  /** Called after each handled batch with when its handling started (for lag and age metrics). */
  observe?: (batch: Batch, startedAt: number) => void;
  /** Called when a periodic commit failed (it is retried with the next one). */
  onCommitFailed?: (error: Error) => void;
  /** Called when kafkajs gives up on an error; the consumer then restarts after a backoff. */
  onCrash?: (error: Error) => void;
  /**
   * Called with this member's partitions after each group join, to seek them to positions kept
   * outside Kafka (e.g. offsets stored with the data, for exactly-once into a database).
   */
  onAssigned?: (assignment: Record<string, number[]>, seek: (topic: string, partition: number, offset: string) => void) => Promise<void> | void;
}

const RESTART_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
const DEFAULT_CONCURRENCY = 64;

/** Batches kafkajs handed out in one turn of the event loop (one fetch), handled by one call. */
interface FetchGroup {
  batches: Batch[];
  done: Promise<void>;
}

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
  private crashed?: Error;
  private crashes = 0;
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
  private open?: FetchGroup;

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
    const { groupId, topics, fromBeginning } = this.options;
    const commit = this.options.commit ?? true;
    const consumer = this.kafka.consumer({
      groupId,
      // Short enough that a crashed member's partitions move on within seconds.
      sessionTimeout: this.options.sessionTimeout ?? 10_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 500,
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
      if (event.payload.restart) {
        this.crashed = event.payload.error;
        this.options.onCrash?.(event.payload.error);
        return;
      }
      this.crashed = event.payload.error;
      this.options.onCrash?.(event.payload.error);
      // Down until the restart: what was handled and not committed is handled again then.
      clearInterval(this.commitTimer);
      this.uncommitted.clear();
      const delay = RESTART_BACKOFF_MS[Math.min(this.crashes++, RESTART_BACKOFF_MS.length - 1)] as number;
      this.restartTimer = setTimeout(() => void this.restart(), delay);
    });
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
        await this.handleWithFetch(batch, context(heartbeat));
        this.options.observe?.(batch, startedAt);
        // The handler moved the partition (seek): the batch does not count as handled.
        if (isStale()) return;
        this.crashed = undefined;
        this.crashes = 0;
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
    for (const position of options.seek ?? []) consumer.seek(position);
  }

  /** Moves a partition of the running consumer (e.g. back to a position stored elsewhere). */
  seek(topic: string, partition: number, offset: string): void {
    this.consumer?.seek({ topic, partition, offset });
  }

  /**
   * kafkajs calls eachBatch for every partition of a fetch in the same turn of the event loop
   * (one worker each); the batches gathered until the next turn go to one handler call, and
   * each of them completes (or fails) with it.
   */
  private handleWithFetch(batch: Batch, context: BatchContext): Promise<void> {
    if (!this.open) {
      const group: FetchGroup = { batches: [], done: Promise.resolve() };
      group.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (this.open === group) this.open = undefined;
        return this.options.handle(group.batches, context);
      });
      this.open = group;
    }
    this.open.batches.push(batch);
    return this.open.done;
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
    if (this.crashed) throw new Error(`consumer ${this.options.groupId} crashed: ${this.crashed.message}`);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    const old = this.consumer;
    this.consumer = undefined;
    await old?.disconnect().catch(() => undefined);
    if (this.stopping) return;
    // Without committed offsets, resume right after the last handled batch.
    await this.start({ seek: this.options.commit === false ? [...this.next.values()] : [] }).catch((error: Error) => {
      this.crashed = error;
      this.restartTimer = setTimeout(() => void this.restart(), RESTART_BACKOFF_MS.at(-1));
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
    if (this.options.commit ?? true) await this.commitHandled();
    await consumer.disconnect();
  }
}
