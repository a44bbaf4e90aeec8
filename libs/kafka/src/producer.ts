import type { Kafka, Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { Partitioners } from 'kafkajs';

/** Payload bytes per produce request: well under the broker's default 1 MB batch limit. */
export const DEFAULT_MAX_REQUEST_BYTES = 768 * 1024;

/**
 * The one way apps write to Kafka: acks from all in-sync replicas, and batches sent as one
 * request (kafkajs never batches by itself; one send per batch is ~10x one send per record).
 */
export class RecordProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
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

  async send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    return this.sendBatch([{ topic, messages }]);
  }

  /**
   * Writes to several topics, one request per chunk of at most `maxRequestBytes` of payload.
   * kafkajs puts everything for one partition into one record batch, and a batch over the
   * broker's limit is refused whole; chunks are sent in order, so per-partition order holds.
   */
  async sendBatch(topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
    const results: RecordMetadata[] = [];
    for (const chunk of chunkBySize(topicMessages, this.maxRequestBytes)) {
      results.push(...(await this.producer.sendBatch({ topicMessages: chunk, acks: -1 })));
    }
    return results;
  }
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
