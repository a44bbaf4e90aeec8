import { createHash } from 'node:crypto';
import { FailedAuthLimiter } from '@streamgate/auth';
import { Inject, Injectable } from '@nestjs/common';
import { KeyScope, TopicName, Topics } from '@streamgate/contracts';
import type { UsageEvent } from '@streamgate/contracts';
import { RecordProducer } from '@streamgate/kafka';
import type { Message } from '@streamgate/kafka';
import { ApiError, Metrics } from '@streamgate/service';
import { CatalogService } from '../catalog/catalog.service';
import { INGEST_CONFIG, PUBLISH_LIMITS } from '../config/ingest.config';
import type { IngestConfig } from '../config/ingest.config';
import { parsePublishBody } from './publish-request';

export interface PublishResult {
  accepted: number;
  ids: string[];
}

/**
 * HTTP publishing: records are written to the stream's source topic, so they take exactly the
 * path Kafka-produced records take. 202 only after Kafka acknowledged every write (acks=all).
 */
@Injectable()
export class PublishService {
  private readonly published = this.metrics.counter('streamgate_ingest_http_records_total', 'Records accepted over HTTP');
  private readonly refused = this.metrics.counter('streamgate_ingest_http_refused_total', 'HTTP publish requests refused', ['code']);
  private readonly limiter: FailedAuthLimiter;

  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly catalog: CatalogService,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly metrics: Metrics,
  ) {
    this.limiter = new FailedAuthLimiter(config.AUTH_FAILURES_PER_MINUTE, 60_000);
  }

  async publish(apiKey: string | undefined, streamName: string, body: unknown, address: string): Promise<PublishResult> {
    try {
      return await this.publishChecked(apiKey, streamName, body, address);
    } catch (error) {
      if (error instanceof ApiError) this.refused.inc({ code: error.code });
      throw error;
    }
  }

  private async publishChecked(apiKey: string | undefined, streamName: string, body: unknown, address: string): Promise<PublishResult> {
    const retryAfter = this.limiter.retryAfter(address);
    if (retryAfter > 0) throw new ApiError(429, 'RATE_LIMITED', 'too many failed authentications from this address', undefined, { 'Retry-After': String(retryAfter) });
    const check = this.catalog.keys.verify(apiKey, KeyScope.Publish);
    if (!check.ok && check.reason === 'UNAUTHORIZED') this.limiter.fail(address);
    if (!check.ok) throw new ApiError(check.reason === 'UNAUTHORIZED' ? 401 : 403, check.reason, check.message);
    if (this.catalog.quotas.get(check.key.partnerId)?.state === 'hard') {
      throw new ApiError(429, 'QUOTA_EXCEEDED', 'the partner is over its hard usage limit for this period');
    }
    const stream = this.catalog.streams.get(streamName);
    if (!stream) throw new ApiError(404, 'STREAM_NOT_FOUND', `no stream named ${streamName}`);
    const parsed = parsePublishBody(body, stream, { maxRecords: PUBLISH_LIMITS.maxRecords, maxRecordBytes: this.config.MAX_RECORD_BYTES });
    if (!parsed.ok) throw new ApiError(parsed.status, parsed.code, parsed.message, parsed.problems);

    const now = new Date().toISOString();
    const records: Message[] = parsed.records.map((r) => ({
      key: r.key,
      value: r.value,
      headers: { id: r.id, ...(r.time ? { time: r.time } : {}) },
    }));
    const ids = parsed.records.map((r) => r.id);
    const partnerId = check.key.partnerId;
    const usage: UsageEvent = {
      // The same request retried by the client carries other generated ids: it is new work.
      id: `publish:${publishUsageId(partnerId, streamName, ids)}`,
      partnerId,
      keyId: check.key.id,
      stream: streamName,
      source: 'ingest',
      windowStart: now,
      windowEnd: now,
      counters: { recordsPublished: records.length, bytesPublished: parsed.records.reduce((n, r) => n + Buffer.byteLength(r.value), 0) },
    };
    await this.producer.sendBatch([
      { topic: this.topics.physical(stream.definition.source.topic), messages: records },
      { topic: this.topics.name(TopicName.UsageEvents), messages: [{ key: partnerId, value: JSON.stringify(usage) }] },
    ]);
    this.published.inc(records.length);
    return { accepted: records.length, ids };
  }
}

/** Deterministic per (partner, stream, record ids); length-prefixed so no two lists hash alike. */
export function publishUsageId(partnerId: string, stream: string, ids: string[]): string {
  const hash = createHash('sha256');
  for (const part of [partnerId, stream, ...ids]) hash.update(`${Buffer.byteLength(part)}:${part};`);
  return hash.digest('base64url');
}
