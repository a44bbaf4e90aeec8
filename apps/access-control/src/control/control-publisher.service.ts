import { Injectable } from '@nestjs/common';
import type { TopicName } from '@streamgate/contracts';
import { Topics } from '@streamgate/contracts';
import { RecordProducer } from '@streamgate/kafka';

/**
 * Writes the control plane's state to its compacted topics, from which ingest, enrichment,
 * delivery and metering learn it. Called inside the database transaction of the change: the
 * transaction commits only after Kafka acknowledged the write.
 */
@Injectable()
export class ControlPublisher {
  constructor(
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
  ) {}

  async publish(topic: TopicName, entries: Array<{ key: string; value: unknown | null }>): Promise<void> {
    await this.producer.send(
      this.topics.name(topic),
      entries.map(({ key, value }) => ({ key, value: value === null ? null : JSON.stringify(value) })),
    );
  }
}
