import type { Kafka, Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { Partitioners } from 'kafkajs';

/**
 * The one way apps write to Kafka: acks from all in-sync replicas, and batches sent as one
 * request (kafkajs never batches by itself; one send per batch is ~10x one send per record).
 */
export class RecordProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
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
    if (messages.length === 0) return [];
    return this.producer.send({ topic, messages, acks: -1 });
  }

  /** Writes to several topics in one request per broker. */
  async sendBatch(topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
    const nonEmpty = topicMessages.filter((t) => t.messages.length > 0);
    if (nonEmpty.length === 0) return [];
    return this.producer.sendBatch({ topicMessages: nonEmpty, acks: -1 });
  }
}
