import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { TopicName, Topics } from '@streamgate/contracts';
import { BatchConsumer, KAFKA, KAFKA_ADMIN, RecordProducer } from '@streamgate/kafka';
import type { Admin, Batch, Kafka } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { INGEST_CONFIG } from '../config/ingest.config';
import type { IngestConfig } from '../config/ingest.config';
import { normalizeBatch } from './normalize';

/**
 * Reads every stream's source topic and writes each record to records.validated or
 * records.dlq. Offsets are committed only after both writes are acknowledged.
 */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestConsumer.name);
  private readonly consumer: BatchConsumer;
  private discovery?: NodeJS.Timeout;
  private resubscribing: Promise<void> = Promise.resolve();
  private readonly records = this.metrics.counter('streamgate_ingest_records_total', 'Source records handled', ['outcome']);
  private readonly deadLetters = this.metrics.counter('streamgate_ingest_dead_letters_total', 'Records sent to records.dlq', ['reason']);
  private readonly batchSeconds = this.metrics.histogram('streamgate_ingest_batch_seconds', 'Time to handle one source batch, writes included');

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly metrics: Metrics,
  ) {
    this.consumer = new BatchConsumer(kafka, {
      groupId: `${topics.prefix}streamgate.ingest`,
      topics: [],
      fromBeginning: true,
      partitionsConsumedConcurrently: 4,
      handle: (batch) => this.handle(batch),
      onCrash: (error) => this.logger.error({ msg: 'consumer crashed', error: error.message }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.discoverSources();
    this.discovery = setInterval(() => void this.discoverSources(), this.config.SOURCE_DISCOVERY_INTERVAL);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.discovery);
    await this.resubscribing;
    await this.consumer.stop();
  }

  private async handle(batch: Batch): Promise<void> {
    const stop = this.batchSeconds.startTimer();
    const { valid, dead } = normalizeBatch(batch, {
      stream: this.topics.streamOfSource(batch.topic),
      maxRecordBytes: this.config.MAX_RECORD_BYTES,
      now: new Date().toISOString(),
    });
    await this.producer.sendBatch([
      { topic: this.topics.name(TopicName.RecordsValidated), messages: valid },
      { topic: this.topics.name(TopicName.RecordsDlq), messages: dead },
    ]);
    this.records.inc({ outcome: 'valid' }, valid.length);
    this.records.inc({ outcome: 'dead' }, dead.length);
    for (const letter of dead) this.deadLetters.inc({ reason: String(letter.headers?.reason) });
    stop();
  }

  // Source topics are `ingest.<stream>`; a new one is picked up without a restart.
  // (The stream catalog on control.streams replaces this scan once streams are managed.)
  private async discoverSources(): Promise<void> {
    this.resubscribing = this.resubscribing.then(async () => {
      try {
        const sources = (await this.admin.listTopics()).filter((t) => this.topics.streamOfSource(t) !== undefined).sort();
        if (sources.join() === [...this.consumer.topics].sort().join()) return;
        this.logger.log({ msg: 'source topics changed', topics: sources });
        await this.consumer.resubscribe(sources);
      } catch (error) {
        this.logger.warn({ msg: 'source discovery failed', error: (error as Error).message });
      }
    });
    await this.resubscribing;
  }
}
