import { ConsumeBatches, ConsumerController } from '@streamgate/kafka';
import type { Batch, BatchOutput } from '@streamgate/kafka';
import { IngestService } from './ingest.service';
import { SOURCE_TOPICS } from './source-discovery';

/** Source topics → records.validated / records.dlq, exactly once: one transaction per source partition per fetch. */
@ConsumerController()
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  // No topics declared: SourceDiscovery gives them. A short poll, so a resubscription waits little.
  @ConsumeBatches(SOURCE_TOPICS, { group: 'ingest', name: 'ingest', transactional: true, maxWaitTimeInMs: 100 })
  normalize(batches: Batch[]): BatchOutput[] {
    return this.ingest.transform(batches);
  }
}
