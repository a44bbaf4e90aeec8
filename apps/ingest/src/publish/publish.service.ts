import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { recordLimitsOf } from '@streamgate/config';
import { TopicName, Topics, DomainException, ErrorCode, usageEventsCodec } from '@streamgate/contracts';
import type { ApiKeyRecord, UsageEvent } from '@streamgate/contracts';
import { grantsPublish } from '@streamgate/entitlements';
import { RecordProducer } from '@streamgate/kafka';
import type { Message } from '@streamgate/kafka';
import { CatalogService } from '../catalog/catalog.service';
import { INGEST_CONFIG, PUBLISH_LIMITS } from '../config/ingest.config';
import type { IngestConfig } from '../config/ingest.config';
import { PUBLISHER_HEADER } from '../ingest/publisher-ids';
import { parsePublishBody } from './publish-request';
import type { PublishRecord } from './publish-request';
import { PublishMetrics } from './publish-metrics';

export interface PublishResult {
  accepted: number;
  /** The records' Envelope ids, `<partnerId>:<id>` (see publisher-ids.ts). */
  ids: string[];
}

/**
 * HTTP publishing for an authenticated key (PublishKeyGuard): quota, stream and publish grant
 * checked, then the records are written to the stream's source topic, so they take exactly the
 * path Kafka-produced records take. 202 only after Kafka acknowledged every write (acks=all).
 */
@Injectable()
export class PublishService {
  private readonly structure = recordLimitsOf(this.config);

  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly catalog: CatalogService,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly metrics: PublishMetrics,
  ) {}

  async publish(key: ApiKeyRecord, streamName: string, body: unknown): Promise<PublishResult> {
    try {
      return await this.publishChecked(key, streamName, body);
    } catch (error) {
      this.metrics.refused(error);
      throw error;
    }
  }

  private async publishChecked(key: ApiKeyRecord, streamName: string, body: unknown): Promise<PublishResult> {
    const partnerId = key.partnerId;
    if (this.catalog.quotas.get(partnerId)?.state === 'hard') {
      throw new DomainException(ErrorCode.QuotaExceeded, 'the partner is over its hard usage limit for this period');
    }
    const stream = this.catalog.streams.get(streamName);
    if (!stream) throw new DomainException(ErrorCode.StreamNotFound, `no stream named ${streamName}`);
    if (!grantsPublish(this.catalog.entitlements.get(partnerId)?.streams[streamName])) {
      throw new DomainException(ErrorCode.NotEntitled, `the partner may not publish to ${streamName}`);
    }
    const limits = { maxRecords: PUBLISH_LIMITS.maxRecords, maxRecordBytes: this.config.MAX_RECORD_BYTES, structure: this.structure };
    const parsed = parsePublishBody(body, stream, limits, partnerId);
    if (!parsed.ok) throw new DomainException(parsed.code, parsed.message, parsed.problems);

    const ids = parsed.records.map((r) => r.id);
    await this.producer.sendBatch([
      { topic: this.topics.physical(stream.definition.source.topic), messages: parsed.records.map((r) => sourceMessage(r, partnerId)) },
      { topic: this.topics.name(TopicName.UsageEvents), messages: [usageEventsCodec.encode(usageOf(key, streamName, parsed.records))] },
    ]);
    this.metrics.accepted(ids.length);
    return { accepted: ids.length, ids };
  }
}

function sourceMessage(record: PublishRecord, partnerId: string): Message {
  return { key: record.key, value: record.value, headers: { id: record.id, [PUBLISHER_HEADER]: partnerId, ...(record.time ? { time: record.time } : {}) } };
}

function usageOf(key: ApiKeyRecord, stream: string, records: PublishRecord[]): UsageEvent {
  const now = new Date().toISOString();
  return {
    // The same request retried by the client carries other generated ids: it is new work.
    id: `publish:${publishUsageId(key.partnerId, stream, records.map((r) => r.id))}`,
    partnerId: key.partnerId,
    keyId: key.id,
    stream,
    source: 'ingest',
    windowStart: now,
    windowEnd: now,
    counters: { recordsPublished: records.length, bytesPublished: records.reduce((n, r) => n + Buffer.byteLength(r.value), 0) },
  };
}

/** Deterministic per (partner, stream, record ids); length-prefixed so no two lists hash alike. */
export function publishUsageId(partnerId: string, stream: string, ids: string[]): string {
  const hash = createHash('sha256');
  for (const part of [partnerId, stream, ...ids]) hash.update(`${Buffer.byteLength(part)}:${part};`);
  return hash.digest('base64url');
}
