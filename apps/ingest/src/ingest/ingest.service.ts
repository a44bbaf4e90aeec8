import { Inject, Injectable, Logger } from '@nestjs/common';
import { recordLimitsOf } from '@streamgate/config';
import { DlqReason, TopicName, Topics } from '@streamgate/contracts';
import type { Batch, BatchOutput } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { CatalogService } from '../catalog/catalog.service';
import { INGEST_CONFIG } from '../config/ingest.config';
import type { IngestConfig } from '../config/ingest.config';
import { DedupeWindow } from './dedupe-window';
import { normalizeFetch } from './normalize';
import type { NormalizedFetch } from './normalize';

/**
 * Each source record to records.validated or records.dlq (the transport writes each source
 * batch's output with its offset in one transaction); producer ids seen within the dedupe
 * window go out once.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly dedupe: DedupeWindow;
  private readonly limits = recordLimitsOf(this.config);
  private readonly records = this.metrics.counter('streamgate_ingest_records_total', 'Source records handled', ['outcome']);
  private readonly deadLetters = this.metrics.counter('streamgate_ingest_dead_letters_total', 'Records sent to records.dlq', ['reason']);
  private readonly windowIds = this.metrics.gauge('streamgate_ingest_dedupe_window_ids', 'Producer ids in the dedupe window');
  private readonly windowBytes = this.metrics.gauge('streamgate_ingest_dedupe_window_bytes', 'Heap bytes the dedupe window is counted at (DEDUPE_WINDOW_BYTES bounds it)');
  private readonly batchSeconds = this.metrics.histogram('streamgate_ingest_batch_seconds', "Time to normalize one fetch's source batches (the transaction's writes not included)");

  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly topics: Topics,
    private readonly catalog: CatalogService,
    private readonly metrics: Metrics,
  ) {
    this.dedupe = new DedupeWindow(config.DEDUPE_WINDOW, config.DEDUPE_WINDOW_BYTES);
  }

  /** Each source batch to its output, in order. */
  transform(batches: Batch[]): BatchOutput[] {
    const stop = this.batchSeconds.startTimer();
    const now = Date.now();
    const outs = normalizeFetch(batches, {
      streamOf: (topic) => this.catalog.streams.bySource(topic),
      maxRecordBytes: this.config.MAX_RECORD_BYTES,
      limits: this.limits,
      seen: (stream, id) => this.dedupe.has(stream, id, now),
      now: new Date(now).toISOString(),
    });
    stop();
    const validated = this.topics.name(TopicName.RecordsValidated);
    const dlq = this.topics.name(TopicName.RecordsDlq);
    return outs.map((out) => ({
      messages: [
        { topic: validated, messages: out.valid },
        { topic: dlq, messages: out.dead },
      ],
      committed: () => this.committed(out, now),
    }));
  }

  /** Ids are remembered, and records counted, only once their transaction committed. */
  private committed(out: NormalizedFetch, now: number): void {
    for (const { stream, id } of out.forwarded) this.dedupe.add(stream, id, now);
    this.windowIds.set(this.dedupe.size);
    this.windowBytes.set(this.dedupe.bytes);
    this.records.inc({ outcome: 'valid' }, out.valid.length);
    this.records.inc({ outcome: 'dead' }, out.dead.length);
    this.records.inc({ outcome: 'duplicate' }, out.duplicates);
    for (const letter of out.dead) {
      const reason = String(letter.headers?.reason);
      this.deadLetters.inc({ reason });
      // A bug, not bad data: the record is set aside and the batch went on, but someone should look.
      if (reason === DlqReason.ProcessingFailed) this.logger.error({ msg: 'record processing failed', detail: String(letter.headers?.detail), offset: String(letter.headers?.['source-offset']) });
    }
  }
}
