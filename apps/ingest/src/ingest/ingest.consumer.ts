import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { TopicName, Topics } from '@streamgate/contracts';
import { BatchConsumer, BatchConsumers, RecordProducer, KAFKA_ADMIN } from '@streamgate/kafka';
import type { Admin, Batch } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { CatalogService } from '../catalog/catalog.service';
import { INGEST_CONFIG } from '../config/ingest.config';
import type { IngestConfig } from '../config/ingest.config';
import { DedupeWindow } from './dedupe-window';
import { normalizeFetch } from './normalize';

/**
 * Reads every stream's source topic and writes each record to records.validated or
 * records.dlq. Offsets are committed only after both writes are acknowledged.
 */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestConsumer.name);
  private readonly consumer: BatchConsumer;
  private readonly dedupe: DedupeWindow;
  private discovery?: NodeJS.Timeout;
  private resubscribing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly records = this.metrics.counter('streamgate_ingest_records_total', 'Source records handled', ['outcome']);
  private readonly deadLetters = this.metrics.counter('streamgate_ingest_dead_letters_total', 'Records sent to records.dlq', ['reason']);
  private readonly batchSeconds = this.metrics.histogram('streamgate_ingest_batch_seconds', "Time to handle one fetch's source batches, writes included");

  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly catalog: CatalogService,
    private readonly metrics: Metrics,
    consumers: BatchConsumers,
  ) {
    this.dedupe = new DedupeWindow(config.DEDUPE_WINDOW, config.DEDUPE_MAX_IDS);
    this.consumer = consumers.create('ingest', {
      groupId: `${topics.prefix}streamgate.ingest`,
      topics: [],
      fromBeginning: true,
      // Resubscribing (a stream created or deleted) stops the consumer, which waits for the fetch in flight.
      maxWaitTimeInMs: 100,
      handle: (batches) => this.handle(batches),
      onCrash: (error) => this.logger.error({ msg: 'consumer crashed', error: error.message }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.catalog.onStreamsChanged(() => void this.refreshSources());
    await this.refreshSources();
    this.discovery = setInterval(() => void this.refreshSources(), this.config.SOURCE_DISCOVERY_INTERVAL);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.discovery);
    await this.resubscribing;
    await this.consumer.stop();
  }

  /** Every partition of a fetch in one write: a produce request per fetch, not per partition. */
  private async handle(batches: Batch[]): Promise<void> {
    const stop = this.batchSeconds.startTimer();
    const now = Date.now();
    const out = normalizeFetch(batches, {
      streamOf: (topic) => this.catalog.streams.bySource(topic),
      maxRecordBytes: this.config.MAX_RECORD_BYTES,
      seen: (stream, id) => this.dedupe.has(stream, id, now),
      now: new Date(now).toISOString(),
    });
    await this.producer.sendBatch([
      { topic: this.topics.name(TopicName.RecordsValidated), messages: out.valid },
      { topic: this.topics.name(TopicName.RecordsDlq), messages: out.dead },
    ]);
    for (const { stream, id } of out.forwarded) this.dedupe.add(stream, id, now);
    this.records.inc({ outcome: 'valid' }, out.valid.length);
    this.records.inc({ outcome: 'dead' }, out.dead.length);
    this.records.inc({ outcome: 'duplicate' }, out.duplicates);
    for (const letter of out.dead) this.deadLetters.inc({ reason: String(letter.headers?.reason) });
    stop();
  }

  // Every stream's source topic, plus `ingest.*` topics no stream owns (their records are
  // dead-lettered as UNKNOWN_STREAM rather than left unread). Serialized: one change at a time.
  private refreshSources(): Promise<void> {
    this.resubscribing = this.resubscribing.then(async () => {
      if (this.stopped) return;
      try {
        const existing = new Set(await this.admin.listTopics());
        const strays = [...existing].filter((t) => this.topics.streamOfSource(t) !== undefined);
        const sources = [...new Set([...this.catalog.streams.sourceTopics(), ...strays])].filter((t) => existing.has(t)).sort();
        if (sources.join() === [...this.consumer.topics].sort().join()) return;
        this.logger.log({ msg: 'source topics changed', topics: sources });
        await this.consumer.resubscribe(sources);
      } catch (error) {
        this.logger.warn({ msg: 'source refresh failed', error: (error as Error).message });
      }
    });
    return this.resubscribing;
  }
}
