import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { TopicName, Topics } from '@streamgate/contracts';
import { BatchConsumer, KAFKA, RecordProducer } from '@streamgate/kafka';
import type { Batch, Kafka } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { enrichBatch } from './enrich';

/** records.validated → records.enriched; offsets committed after the writes are acknowledged. */
@Injectable()
export class EnrichmentConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EnrichmentConsumer.name);
  private readonly consumer: BatchConsumer;
  private readonly records = this.metrics.counter('streamgate_enrichment_records_total', 'Validated records handled', ['outcome']);
  private readonly batchSeconds = this.metrics.histogram('streamgate_enrichment_batch_seconds', 'Time to handle one batch, writes included');

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly metrics: Metrics,
  ) {
    this.consumer = new BatchConsumer(kafka, {
      groupId: `${topics.prefix}streamgate.enrichment`,
      topics: [topics.name(TopicName.RecordsValidated)],
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      handle: (batch) => this.handle(batch),
      onCrash: (error) => this.logger.error({ msg: 'consumer crashed', error: error.message }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async handle(batch: Batch): Promise<void> {
    const stop = this.batchSeconds.startTimer();
    const { enriched, dead } = enrichBatch(batch, new Date().toISOString());
    await this.producer.sendBatch([
      { topic: this.topics.name(TopicName.RecordsEnriched), messages: enriched },
      { topic: this.topics.name(TopicName.RecordsDlq), messages: dead },
    ]);
    this.records.inc({ outcome: 'enriched' }, enriched.length);
    this.records.inc({ outcome: 'dead' }, dead.length);
    stop();
  }
}
