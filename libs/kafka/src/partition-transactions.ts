import { Partitioners } from 'kafkajs';
import type { Admin, Batch, Kafka, Producer, TopicMessages } from 'kafkajs';
import { DEFAULT_MAX_REQUEST_BYTES, chunkBySize } from './producer';

export interface PartitionTransactionsOptions {
  /** The consumer group whose offsets are committed inside the transactions. */
  groupId: string;
  /** Each input partition's producer is `<prefix>.<topic>.<partition>`: stable across restarts and members. */
  transactionalIdPrefix: string;
  /** The coordinator aborts a transaction open longer than this (a producer that died mid-batch). */
  transactionTimeoutMs?: number;
  maxRequestBytes?: number;
}

/** Thrown when another producer with the same transactional id took over: rejoin before going on. */
export class ProducerFencedError extends Error {
  constructor(topic: string, partition: number, cause: Error) {
    super(`producer for ${topic}:${partition} was fenced (another member owns the partition): ${cause.message}`);
    this.name = 'ProducerFencedError';
  }
}

interface PartitionProducer {
  producer: Producer;
  /** The group's committed position, read after this producer fenced every earlier one. */
  ready: Promise<string | undefined>;
  fenced: boolean;
}

/** What `commit` did with a batch. */
export type CommitOutcome = 'committed' | 'stale';

const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);
// After a commit, the coordinator answers CONCURRENT_TRANSACTIONS until its markers are written
// (a few ms); kafkajs's default 300 ms first retry would make that every transaction's latency
// (measured: 250 ms per transaction with it, 6 ms with 5 ms).
const RETRY = { initialRetryTime: 5, maxRetryTime: 2_000, retries: 10 };

/**
 * Consume-transform-produce, exactly once: one transactional producer per input partition
 * (Kafka Streams' first exactly-once design, which kafkajs can do: it has no group-metadata
 * fencing). The batch's output, its dead letters and its consumed offset go in one transaction;
 * a partition's next owner (another member, or this one after a restart) opens its producer
 * with the same transactional id, which aborts or completes the previous owner's transaction and
 * fences it, and only then reads the committed position. A fenced producer is dropped, not
 * retried: the member rejoins the group first.
 */
export class PartitionTransactions {
  private readonly producers = new Map<string, PartitionProducer>();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: PartitionTransactionsOptions,
  ) {}

  /**
   * After a group join: producers of partitions this member lost are closed; those of its
   * partitions are opened (fencing earlier owners) ahead of the first batch.
   */
  async assigned(assignment: Record<string, number[]>): Promise<void> {
    const keep = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => key(topic, p))));
    const closing = [...this.producers].filter(([k, p]) => !keep.has(k) || p.fenced);
    for (const [k] of closing) this.producers.delete(k);
    await Promise.allSettled(closing.map(([, p]) => p.producer.disconnect()));
    const opened = Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((partition) => this.open(topic, partition).ready));
    await Promise.allSettled(opened);
  }

  /**
   * Writes `output` and the batch's next offset in one transaction. A batch from before the
   * committed position (fetched before this producer fenced the previous owner) is `stale`:
   * the caller seeks to `position` and the batch is read again from there.
   */
  async commit(batch: Batch, output: TopicMessages[], onStale: (position: string) => void): Promise<CommitOutcome> {
    const entry = this.open(batch.topic, batch.partition);
    if (entry.fenced) throw new ProducerFencedError(batch.topic, batch.partition, new Error('fenced earlier'));
    const position = await entry.ready.catch((error: Error) => this.drop(batch, entry, error));
    if (position !== undefined && BigInt(batch.firstOffset() ?? '0') < BigInt(position)) {
      onStale(position);
      return 'stale';
    }
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    const transaction = await entry.producer.transaction().catch((error: Error) => this.drop(batch, entry, error));
    try {
      for (const chunk of chunkBySize(output, this.options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES)) {
        await transaction.sendBatch({ topicMessages: chunk, acks: -1 });
      }
      await transaction.sendOffsets({ consumerGroupId: this.options.groupId, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      return this.drop(batch, entry, error as Error);
    }
    entry.ready = Promise.resolve(next);
    return 'committed';
  }

  async close(): Promise<void> {
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.allSettled(all.map((p) => p.producer.disconnect()));
  }

  get size(): number {
    return this.producers.size;
  }

  private open(topic: string, partition: number): PartitionProducer {
    const k = key(topic, partition);
    const existing = this.producers.get(k);
    if (existing) return existing;
    const producer = this.kafka.producer({
      transactionalId: `${this.options.transactionalIdPrefix}.${topic}.${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs ?? 30_000,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: RETRY,
    });
    const entry: PartitionProducer = { producer, fenced: false, ready: this.fence(producer, topic, partition) };
    this.producers.set(k, entry);
    return entry;
  }

  // kafkajs initializes a transactional id at the first transaction: an empty one (aborted
  // without a request) bumps the epoch, which ends whatever the previous owner left open.
  private async fence(producer: Producer, topic: string, partition: number): Promise<string | undefined> {
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.abort();
    const [offsets] = await this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] });
    const offset = offsets?.partitions.find((p) => p.partition === partition)?.offset;
    return offset === undefined || offset === '-1' ? undefined : offset;
  }

  /** A failed producer is closed and forgotten (the next batch opens a new one); a fenced one also makes the member rejoin. */
  private async drop(batch: Batch, entry: PartitionProducer, error: Error): Promise<never> {
    const k = key(batch.topic, batch.partition);
    const fenced = isFenced(error);
    if (this.producers.get(k) === entry) {
      if (fenced) entry.fenced = true;
      else this.producers.delete(k);
    }
    await entry.producer.disconnect().catch(() => undefined);
    throw fenced ? new ProducerFencedError(batch.topic, batch.partition, error) : error;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

export function isFenced(error: unknown): boolean {
  const e = error as { type?: string; message?: string; cause?: unknown } | undefined;
  if (!e) return false;
  if (e.type && FENCED.has(e.type)) return true;
  if (/fenced|INVALID_PRODUCER_EPOCH/i.test(e.message ?? '')) return true;
  return e.cause !== undefined && e.cause !== error && isFenced(e.cause);
}
