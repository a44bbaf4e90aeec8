import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { Partitioners } from 'kafkajs';

/** Payload bytes per produce request: well under the broker's default 1 MB batch limit. */
export const DEFAULT_MAX_REQUEST_BYTES = 768 * 1024;

interface PendingSend {
  topicMessages: TopicMessages[];
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The one way apps write to Kafka: acks from all in-sync replicas, and batches sent as one
 * request (kafkajs never batches by itself; one send per batch is ~10x one send per record).
 *
 * Sends are coalesced without waiting: the first goes out at once, and whatever callers send
 * while a request is in flight goes out together as the next request. Under load, consumers
 * handling several partitions at a time then make one produce request instead of one per
 * partition batch (each request is a syscall and a broker round trip); when idle, nothing waits.
 */
export class RecordProducer {
  private readonly producer: Producer;
  private connected = false;
  private pending: PendingSend[] = [];
  private flushing = false;

  constructor(
    kafka: Pick<Kafka, 'producer'>,
    private readonly maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES,
  ) {
    this.producer = kafka.producer({
      // The Java client's murmur2 partitioner, so keys land where other Kafka clients put them.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /** kafkajs awaits every in-flight request before disconnecting, so this also flushes. */
  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }

  async send(topic: string, messages: Message[]): Promise<void> {
    return this.sendBatch([{ topic, messages }]);
  }

  /**
   * Writes to several topics; resolves once every message is acknowledged. Requests carry at
   * most `maxRequestBytes` of payload: kafkajs puts everything for one partition into one
   * record batch, and a batch over the broker's limit is refused whole. Requests go one at a
   * time in the order of the calls, so per-partition order holds across callers. When a
   * request fails, every caller whose messages it carried gets the error (some of their
   * messages may have been written: at-least-once, like any retried produce).
   */
  sendBatch(topicMessages: TopicMessages[]): Promise<void> {
    if (topicMessages.every((t) => t.messages.length === 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ topicMessages, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const sends = this.pending;
      this.pending = [];
      try {
        for (const chunk of chunkBySize(mergeByTopic(sends.flatMap((s) => s.topicMessages)), this.maxRequestBytes)) {
          await this.producer.sendBatch({ topicMessages: chunk, acks: -1 });
        }
        for (const send of sends) send.resolve();
      } catch (error) {
        for (const send of sends) send.reject(error as Error);
      }
    }
    this.flushing = false;
  }
}

/** One entry per topic, messages in the order given. */
export function mergeByTopic(topicMessages: TopicMessages[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, messages } of topicMessages) {
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    for (const message of messages) list.push(message);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

const HEADER_OVERHEAD = 16;

function messageBytes(message: Message): number {
  let bytes = sizeOf(message.key) + sizeOf(message.value) + HEADER_OVERHEAD;
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += name.length + sizeOf(value as Buffer | string | null);
  return bytes;
}

function sizeOf(value: Buffer | string | null | undefined | Array<Buffer | string>): number {
  if (value === null || value === undefined) return 0;
  if (Array.isArray(value)) return value.reduce((n, v) => n + sizeOf(v), 0);
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** Splits topic messages into requests of at most `limit` bytes (a larger single message goes alone). */
export function chunkBySize(topicMessages: TopicMessages[], limit: number): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let chunk: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    let current: TopicMessages | undefined;
    for (const message of messages) {
      const size = messageBytes(message);
      if (bytes > 0 && bytes + size > limit) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
        current = undefined;
      }
      if (!current) {
        current = { topic, messages: [] };
        chunk.push(current);
      }
      current.messages.push(message);
      bytes += size;
    }
  }
  if (bytes > 0) chunks.push(chunk);
  return chunks;
}
