import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TopicName, Topics } from '@streamgate/contracts';
import { BatchConsumer, BatchConsumers, RecordProducer, KAFKA, KAFKA_ADMIN } from '@streamgate/kafka';
import type { Admin, Batch, Kafka, Message } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { ReferenceTables, StreamCatalog } from '@streamgate/streams';
import { ENRICHMENT_CONFIG } from '../config/enrichment.config';
import type { EnrichmentConfig } from '../config/enrichment.config';
import { enrichBatch } from './enrich';

/**
 * records.validated → records.enriched with each stream's steps; offsets committed after the
 * writes are acknowledged. The catalog and reference tables are read to the end first.
 */
@Injectable()
export class EnrichmentConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(EnrichmentConsumer.name);
  private readonly consumer: BatchConsumer;
  private readonly catalog: StreamCatalog;
  private readonly reference: ReferenceTables;
  private readonly records = this.metrics.counter('streamgate_enrichment_records_total', 'Validated records handled', ['outcome']);
  private readonly batchSeconds = this.metrics.histogram('streamgate_enrichment_batch_seconds', "Time to handle one fetch's batches, writes included");

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(KAFKA_ADMIN) admin: Admin,
    @Inject(ENRICHMENT_CONFIG) config: EnrichmentConfig,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly metrics: Metrics,
    consumers: BatchConsumers,
  ) {
    const onInvalid = (key: string, error: Error) => this.logger.error({ msg: 'unreadable control record', key, error: error.message });
    this.catalog = new StreamCatalog({ kafka, admin, topics, app: 'enrichment', hashKey: config.REDACT_HASH_KEY, onInvalid });
    this.reference = new ReferenceTables({ kafka, admin, topics, app: 'enrichment', onInvalid });
    this.consumer = consumers.create('enrichment', {
      groupId: `${topics.prefix}streamgate.enrichment`,
      topics: [topics.name(TopicName.RecordsValidated)],
      fromBeginning: true,
      handle: (batches) => this.handle(batches),
      onCrash: (error) => this.logger.error({ msg: 'consumer crashed', error: error.message }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([this.catalog.start(), this.reference.start()]);
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.catalog.stop(), this.reference.stop()]);
  }

  /** Every partition of a fetch in one write: a produce request per fetch, not per partition. */
  private async handle(batches: Batch[]): Promise<void> {
    const stop = this.batchSeconds.startTimer();
    const context = { stream: (name: string) => this.catalog.get(name), lookup: this.reference.lookup, now: new Date().toISOString() };
    const enriched: Message[] = [];
    const dead: Message[] = [];
    for (const batch of batches) {
      const out = enrichBatch(batch, context);
      enriched.push(...out.enriched);
      dead.push(...out.dead);
    }
    await this.producer.sendBatch([
      { topic: this.topics.name(TopicName.RecordsEnriched), messages: enriched },
      { topic: this.topics.name(TopicName.RecordsDlq), messages: dead },
    ]);
    this.records.inc({ outcome: 'enriched' }, enriched.length);
    this.records.inc({ outcome: 'dead' }, dead.length);
    stop();
  }
}
