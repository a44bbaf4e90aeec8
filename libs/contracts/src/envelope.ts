import { ContractViolation } from './contract-violation';

export type JsonObject = { [key: string]: unknown };

/** The normalized record that flows on `records.validated` and `records.enriched`. */
export interface Envelope {
  /** Producer's idempotency id, else `<topic>:<partition>:<offset>` of the source record. */
  id: string;
  stream: string;
  key: string | null;
  /** Event time, ISO-8601 (producer's `time` header, else the source record's timestamp). */
  time: string;
  /** When ingest accepted the record, ISO-8601. */
  ingestedAt: string;
  data: JsonObject;
  /** Context added by enrichment; `enrichedAt` is always set on `records.enriched`. */
  meta: JsonObject;
}

export function sourceRecordId(topic: string, partition: number, offset: string): string {
  return `${topic}:${partition}:${offset}`;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function isIsoTimestamp(value: unknown): boolean {
  return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

/** Checks an unknown value (parsed from Kafka) against the Envelope contract. */
export function parseEnvelope(value: unknown): Envelope {
  if (!isJsonObject(value)) throw new ContractViolation('envelope', 'not a JSON object');
  const problems: string[] = [];
  if (typeof value.id !== 'string' || value.id === '') problems.push('id must be a non-empty string');
  if (typeof value.stream !== 'string' || value.stream === '') problems.push('stream must be a non-empty string');
  if (value.key !== null && typeof value.key !== 'string') problems.push('key must be a string or null');
  if (!isIsoTimestamp(value.time)) problems.push('time must be an ISO-8601 timestamp');
  if (!isIsoTimestamp(value.ingestedAt)) problems.push('ingestedAt must be an ISO-8601 timestamp');
  if (!isJsonObject(value.data)) problems.push('data must be a JSON object');
  if (!isJsonObject(value.meta)) problems.push('meta must be a JSON object');
  if (problems.length > 0) throw new ContractViolation('envelope', problems.join('; '));
  return value as unknown as Envelope;
}
