import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { codecOf } from '@streamgate/contracts';
import type { TopicCodecs, TopicName, Topics } from '@streamgate/contracts';
import { uniqueName } from './unique';

export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Reads topics from the beginning into memory, for assertions on what apps wrote. */
export class TopicReader {
  readonly messages: ReadMessage[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topics: string[]): Promise<TopicReader> {
    const consumer = kafka.consumer({ groupId: uniqueName('test-reader-'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const reader = new TopicReader(consumer);
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) reader.messages.push(toRead(batch.topic, batch.partition, m));
      },
    });
    return reader;
  }

  on(topic: string): ReadMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  json<T = unknown>(topic: string): T[] {
    return this.on(topic).map((m) => JSON.parse(m.value?.toString('utf8') ?? 'null') as T);
  }

  /** What the apps wrote on a contract topic, read through its codec: a message breaking the contract fails the test. */
  payloads<T extends TopicName>(topics: Topics, name: T): Array<ReturnType<TopicCodecs[T]['decode']>> {
    const codec = codecOf(name);
    return this.on(topics.name(name)).map((m) => codec.decode(m) as ReturnType<TopicCodecs[T]['decode']>);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

function toRead(topic: string, partition: number, m: KafkaMessage): ReadMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first.toString();
  }
  return { topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, value: m.value, headers };
}
