import type { Envelope } from './envelope';
import type { ApiKeyRecord, PartnerRecord } from './api-keys';
import type { DeadLetter } from './dlq';
import type { PartnerEntitlements } from './entitlements';
import type { ReferenceRow, StreamDefinition } from './stream-definition';
import type { QuotaState, UsageEvent } from './usage';

// Kafka topic names of the public contract (DESIGN.md §3). A deployment may prefix all of
// them with TOPIC_PREFIX so that several environments (or test runs) share one cluster.
export const TopicName = {
  RecordsValidated: 'records.validated',
  RecordsEnriched: 'records.enriched',
  RecordsDlq: 'records.dlq',
  ControlStreams: 'control.streams',
  ControlEntitlements: 'control.entitlements',
  ControlPartners: 'control.partners',
  ControlQuotas: 'control.quotas',
  ControlReference: 'control.reference',
  ControlKeys: 'control.keys',
  UsageEvents: 'usage.events',
} as const;
export type TopicName = (typeof TopicName)[keyof typeof TopicName];

export const INGEST_TOPIC_PREFIX = 'ingest.';

/** Default source topic of a stream: `ingest.<stream>`. */
export function defaultSourceTopic(stream: string): string {
  return `${INGEST_TOPIC_PREFIX}${stream}`;
}

/** Stream name rule of the contract. */
export const STREAM_NAME_PATTERN = /^[a-z][a-z0-9_.-]{0,62}$/;

export function isValidStreamName(name: string): boolean {
  return STREAM_NAME_PATTERN.test(name);
}

/** Topic names with the deployment's prefix applied; build once at start-up. */
export class Topics {
  constructor(readonly prefix = '') {}

  name(topic: TopicName): string {
    return `${this.prefix}${topic}`;
  }

  source(stream: string): string {
    return `${this.prefix}${defaultSourceTopic(stream)}`;
  }

  /** The stream name behind a default source topic, or undefined. */
  streamOfSource(topic: string): string | undefined {
    const head = `${this.prefix}${INGEST_TOPIC_PREFIX}`;
    return topic.startsWith(head) ? topic.slice(head.length) : undefined;
  }

  /** A stream's source topic as stored in its definition (logical name) → the real topic. */
  physical(logicalTopic: string): string {
    return `${this.prefix}${logicalTopic}`;
  }

  /** Every contract topic with its provisioning spec. */
  contractTopics(): TopicSpec[] {
    return CONTRACT_TOPIC_SPECS.map((spec) => ({ ...spec, topic: this.name(spec.topic as TopicName) }));
  }
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  compacted: boolean;
  /** Retention in ms for non-compacted topics; undefined keeps the broker default. */
  retentionMs?: number;
  /** Largest record batch the topic accepts; undefined keeps the broker default (1 MB). */
  maxMessageBytes?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
// A record at MAX_RECORD_BYTES grows when wrapped into an Envelope and enriched: leave room.
export const RECORDS_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

// records.* carry the data path and are partitioned for parallelism; control.* are compacted
// tables (latest value per key); usage.events must outlive any metering outage.
export const CONTRACT_TOPIC_SPECS: readonly TopicSpec[] = [
  { topic: TopicName.RecordsValidated, partitions: 6, compacted: false, retentionMs: 7 * DAY_MS, maxMessageBytes: RECORDS_MAX_MESSAGE_BYTES },
  { topic: TopicName.RecordsEnriched, partitions: 6, compacted: false, retentionMs: 7 * DAY_MS, maxMessageBytes: RECORDS_MAX_MESSAGE_BYTES },
  { topic: TopicName.RecordsDlq, partitions: 6, compacted: false, retentionMs: 30 * DAY_MS, maxMessageBytes: RECORDS_MAX_MESSAGE_BYTES },
  { topic: TopicName.ControlStreams, partitions: 1, compacted: true },
  { topic: TopicName.ControlEntitlements, partitions: 1, compacted: true },
  { topic: TopicName.ControlPartners, partitions: 1, compacted: true },
  { topic: TopicName.ControlQuotas, partitions: 1, compacted: true },
  { topic: TopicName.ControlReference, partitions: 1, compacted: true },
  { topic: TopicName.ControlKeys, partitions: 1, compacted: true },
  { topic: TopicName.UsageEvents, partitions: 6, compacted: false, retentionMs: 30 * DAY_MS },
];

/**
 * What each contract topic carries, for typed producers and consumers: TOPIC_CODECS (codecs/)
 * has one codec per topic of exactly this type, so a change here breaks the compiler wherever
 * the topic is written or read. Control topics carry these values under a key, or tombstones.
 */
export interface TopicPayloads {
  [TopicName.RecordsValidated]: Envelope;
  [TopicName.RecordsEnriched]: Envelope;
  /** The source record's key and bytes as they were; the contract is in DlqHeaders. */
  [TopicName.RecordsDlq]: DeadLetter;
  [TopicName.ControlStreams]: StreamDefinition;
  [TopicName.ControlEntitlements]: PartnerEntitlements;
  [TopicName.ControlPartners]: PartnerRecord;
  [TopicName.ControlQuotas]: QuotaState;
  [TopicName.ControlReference]: ReferenceRow;
  [TopicName.ControlKeys]: ApiKeyRecord;
  [TopicName.UsageEvents]: UsageEvent;
}

/** Key of a record on `records.*`: `<stream>/<record key>`, so one key stays on one partition. */
export function recordTopicKey(stream: string, key: string | null): string {
  return `${stream}/${key ?? ''}`;
}
