import { Injectable } from '@nestjs/common';
import { DomainException } from '@streamgate/contracts';
import { Metrics } from '@streamgate/service';

/** HTTP publish counters, shared by the key guard and the service. */
@Injectable()
export class PublishMetrics {
  private readonly published = this.metrics.counter('streamgate_ingest_http_records_total', 'Records accepted over HTTP');
  private readonly refusedTotal = this.metrics.counter('streamgate_ingest_http_refused_total', 'HTTP publish requests refused', ['code']);

  constructor(private readonly metrics: Metrics) {}

  accepted(records: number): void {
    this.published.inc(records);
  }

  refused(error: unknown): void {
    if (error instanceof DomainException) this.refusedTotal.inc({ code: error.code });
  }
}
