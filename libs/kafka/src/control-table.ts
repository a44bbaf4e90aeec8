import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { BatchConsumer } from './batch-consumer';
import { fetchEndOffsets } from './topic-offsets';

export interface ControlTableOptions<T> {
  topic: string;
  /** Group ids of control readers carry this, for telling them apart in the broker's tools. */
  groupPrefix: string;
  /**
   * Reads one value written under `key` (usually the topic's codec: `codec.decodeValue`); a value
   * that does not parse is skipped and reported (never crashes the reader).
   */
  parse(value: Buffer, key: string): T;
  onChange?(key: string, value: T | undefined): void;
  onInvalid?(key: string, error: Error): void;
  /**
   * The fetch wait of the reader (default 1 s): control topics are mostly idle and a change
   * ends the wait at once, but stop() waits for the fetch in flight, so a table read once and
   * stopped at once wants a short one.
   */
  maxWaitTimeInMs?: number;
}

/**
 * The control tables reading through each Kafka client, for the readiness of the app that owns
 * the client (KafkaModule): tables are made deep inside features, and each must count without
 * every feature wiring it. Keyed weakly: a client that is gone takes its tables with it.
 */
const tablesByClient = new WeakMap<Kafka, Set<ControlTable<unknown>>>();

/**
 * For readiness: fails while a started control table is still reading what its topic held
 * when it started, or while its reader is down after a crash, naming each such topic.
 */
export async function checkControlTables(kafka: Kafka): Promise<void> {
  const problems = [...(tablesByClient.get(kafka) ?? [])].map((table) => table.problem()).filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new Error(problems.join('; '));
}

/**
 * The latest value per key of a compacted control topic, kept in memory. Every reader reads
 * the whole topic from the beginning (a group of its own, no committed offsets), then follows
 * it live: a change made by access-control ends the readers' fetch wait, so it reaches every
 * app instance within milliseconds.
 */
export class ControlTable<T> {
  private readonly rows = new Map<string, T>();
  private readonly consumer: BatchConsumer;
  private caughtUp?: { remaining: Map<number, bigint>; resolve: () => void };
  private state: 'idle' | 'catching-up' | 'live' = 'idle';

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: ControlTableOptions<T>,
  ) {
    this.consumer = new BatchConsumer(kafka, {
      groupId: `${options.groupPrefix}.${randomBytes(6).toString('hex')}`,
      topics: [options.topic],
      fromBeginning: true,
      commit: false,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
      handle: async (batches) => {
        for (const batch of batches) {
          for (const message of batch.messages) {
            const key = message.key?.toString('utf8');
            if (key !== undefined) this.apply(key, message.value);
          }
          this.noteProgress(batch.partition, BigInt(batch.lastOffset()));
        }
      },
    });
  }

  get size(): number {
    return this.rows.size;
  }

  get(key: string): T | undefined {
    return this.rows.get(key);
  }

  entries(): IterableIterator<[string, T]> {
    return this.rows.entries();
  }

  /** Resolves once everything the topic held at start-up has been read. */
  async start(): Promise<void> {
    this.state = 'catching-up';
    this.tracked().add(this as ControlTable<unknown>);
    const ends = await fetchEndOffsets(this.admin, this.options.topic);
    const remaining = new Map<number, bigint>();
    for (const { partition, offset, low } of ends) {
      if (BigInt(offset) > BigInt(low)) remaining.set(partition, BigInt(offset) - 1n);
    }
    const done = new Promise<void>((resolve) => (this.caughtUp = { remaining, resolve }));
    if (remaining.size === 0) this.caughtUp?.resolve();
    await this.consumer.start();
    await done;
    this.state = 'live';
  }

  async stop(): Promise<void> {
    this.tracked().delete(this as ControlTable<unknown>);
    this.state = 'idle';
    await this.consumer.stop();
  }

  /** Why this table cannot be relied on right now (see checkControlTables), if it cannot. */
  problem(): string | undefined {
    if (this.state === 'catching-up') {
      const behind = this.caughtUp?.remaining.size;
      return `${this.options.topic}: catching up${behind ? ` (${behind} partition${behind > 1 ? 's' : ''} to read)` : ''}`;
    }
    if (this.state !== 'live') return undefined;
    return this.consumer.problem();
  }

  private tracked(): Set<ControlTable<unknown>> {
    let tables = tablesByClient.get(this.kafka);
    if (!tables) tablesByClient.set(this.kafka, (tables = new Set()));
    return tables;
  }

  private apply(key: string, value: Buffer | null): void {
    if (value === null) {
      if (this.rows.delete(key)) this.options.onChange?.(key, undefined);
      return;
    }
    let parsed: T;
    try {
      parsed = this.options.parse(value, key);
    } catch (error) {
      this.options.onInvalid?.(key, error as Error);
      return;
    }
    this.rows.set(key, parsed);
    this.options.onChange?.(key, parsed);
  }

  private noteProgress(partition: number, lastOffset: bigint): void {
    const waiting = this.caughtUp;
    if (!waiting) return;
    const target = waiting.remaining.get(partition);
    if (target !== undefined && lastOffset >= target) waiting.remaining.delete(partition);
    if (waiting.remaining.size === 0) {
      this.caughtUp = undefined;
      waiting.resolve();
    }
  }
}
