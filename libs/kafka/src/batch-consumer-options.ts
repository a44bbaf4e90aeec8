import type { Batch } from 'kafkajs';

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
   * The handler commits offsets itself, inside its Kafka transactions (see transactionalHandler):
   * nothing is committed here, and a restart resumes from the group's committed offsets.
   */
  transactional?: boolean;
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
   * Bytes the broker waits for (up to maxWaitTimeInMs) before it answers a fetch (default 1: at
   * once). Transactional consumers wait, so that one transaction covers more records.
   */
  minBytes?: number;
  /**
   * Bytes one fetch may return, in all and per partition (kafkajs: 10 MiB and 1 MiB). A consumer
   * whose handler runs synchronously on the event loop keeps its pauses short with smaller
   * fetches; a record larger than the limit still comes, alone.
   */
  maxBytes?: number;
  maxBytesPerPartition?: number;
  /** Called after each handled batch with when its handling started (for lag and age metrics). */
  observe?: (batch: Batch, startedAt: number) => void;
  /** Called with the lag after a fetch of only transaction markers or aborted records (no handler call). */
  observeSkipped?: (topic: string, partition: number, lag: number) => void;
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
