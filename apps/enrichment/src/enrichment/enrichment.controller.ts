import { TopicName } from '@streamgate/contracts';
import { ConsumeBatches, ConsumerController } from '@streamgate/kafka';
import type { Batch, BatchOutput } from '@streamgate/kafka';
import { EnrichmentService } from './enrichment.service';

/** records.validated → records.enriched, exactly once: one transaction per input partition per fetch. */
@ConsumerController()
export class EnrichmentController {
  constructor(private readonly enrichment: EnrichmentService) {}

  @ConsumeBatches(TopicName.RecordsValidated, { group: 'enrichment', topics: [TopicName.RecordsValidated], transactional: true })
  enrich(batches: Batch[]): BatchOutput[] {
    return this.enrichment.transform(batches);
  }
}
