import { randomUUID } from 'node:crypto';
import { checkRecordStructure, isIsoTimestamp, isJsonObject } from '@streamgate/contracts';
import type { JsonObject, RecordLimits, StructureProblem } from '@streamgate/contracts';
import type { CompiledStream } from '@streamgate/streams';
import { MAX_ID_LENGTH } from '../ingest/normalize';
import { publisherRecordId } from '../ingest/publisher-ids';

export interface PublishRecord {
  /** The Envelope id: `<partnerId>:<given id>` or `<partnerId>:<uuid>` (publisher-ids.ts). */
  id: string;
  key: string | null;
  time?: string;
  data: JsonObject;
  /** Serialized once here: the value written to Kafka and the byte count metered. */
  value: string;
}

type StructureReason = Exclude<StructureProblem['reason'], 'INVALID_JSON'>;

export interface RecordProblem {
  index: number;
  reason: 'INVALID_RECORD' | 'TOO_LARGE' | 'BAD_HEADER' | 'SCHEMA_VIOLATION' | StructureReason;
  detail: string;
}

export type ParsedPublish =
  | { ok: true; records: PublishRecord[] }
  | { ok: false; code: 'INVALID_BODY' | 'TOO_MANY_RECORDS' | 'INVALID_RECORDS' | StructureReason; message: string; problems?: RecordProblem[] };

export interface PublishLimits {
  maxRecords: number;
  maxRecordBytes: number;
  /** Structural limits of each record's data, the Kafka path's (checked first, for every record). */
  structure: RecordLimits;
}

const MAX_KEY_LENGTH = 1024;

/**
 * Reads `{ data, id?, key?, time? }` or `{ records: [...] }` and checks every record the way the
 * Kafka path will (size, id/time format, JSON Schema), reporting every bad record by index.
 * All-or-nothing: one bad record refuses the request.
 */
export function parsePublishBody(body: unknown, stream: CompiledStream, limits: PublishLimits, publisher: string): ParsedPublish {
  if (!isJsonObject(body)) return { ok: false, code: 'INVALID_BODY', message: 'the body is { data, id?, key?, time? } or { records: [...] }' };
  const items = 'records' in body ? body.records : [body];
  if (!Array.isArray(items) || items.length === 0) return { ok: false, code: 'INVALID_BODY', message: 'records must be a non-empty array' };
  if (items.length > limits.maxRecords) {
    return { ok: false, code: 'TOO_MANY_RECORDS', message: `at most ${limits.maxRecords} records per request, got ${items.length}` };
  }
  // Before anything recursive (serializing, the schema) touches a record: a record over a
  // structural limit refuses the request with that limit's code, every such record listed.
  const structure = items.map((item) => (isJsonObject(item) && isJsonObject(item.data) ? checkRecordStructure(item.data, limits.structure) : undefined));
  const structural = structure.flatMap((problem, index) => (problem && problem.reason !== 'INVALID_JSON' ? [{ index, reason: problem.reason, detail: problem.detail }] : []));
  if (structural.length > 0) {
    const first = structural[0] as RecordProblem & { reason: StructureReason };
    return { ok: false, code: first.reason, message: `${structural.length} of ${items.length} records break a structural limit; nothing was published`, problems: structural };
  }
  const records: PublishRecord[] = [];
  const problems: RecordProblem[] = [];
  items.forEach((item, index) => {
    // Left here, a structure problem is a number out of range (1e400): a bad record like others.
    const number = structure[index];
    const result = number ? { reason: 'INVALID_RECORD' as const, detail: number.detail } : parseRecord(item, stream, limits.maxRecordBytes, publisher);
    if ('reason' in result) problems.push({ index, ...result });
    else records.push(result);
  });
  if (problems.length > 0) {
    return { ok: false, code: 'INVALID_RECORDS', message: `${problems.length} of ${items.length} records are invalid; nothing was published`, problems };
  }
  return { ok: true, records };
}

function parseRecord(item: unknown, stream: CompiledStream, maxRecordBytes: number, publisher: string): PublishRecord | Omit<RecordProblem, 'index'> {
  if (!isJsonObject(item) || !isJsonObject(item.data)) return { reason: 'INVALID_RECORD', detail: 'a record is { data: {…}, id?, key?, time? }' };
  const unknown = Object.keys(item).filter((k) => !['data', 'id', 'key', 'time'].includes(k));
  if (unknown.length > 0) return { reason: 'INVALID_RECORD', detail: `unknown fields: ${unknown.join(', ')}` };
  if (item.id !== undefined && (typeof item.id !== 'string' || item.id.length === 0 || item.id.length > MAX_ID_LENGTH)) {
    return { reason: 'BAD_HEADER', detail: `id must be a string of 1..${MAX_ID_LENGTH} characters` };
  }
  if (item.key !== undefined && item.key !== null && (typeof item.key !== 'string' || item.key.length > MAX_KEY_LENGTH)) {
    return { reason: 'INVALID_RECORD', detail: `key must be a string of at most ${MAX_KEY_LENGTH} characters` };
  }
  if (item.time !== undefined && !isIsoTimestamp(item.time)) return { reason: 'BAD_HEADER', detail: 'time must be an ISO-8601 timestamp' };
  const value = JSON.stringify(item.data);
  const bytes = Buffer.byteLength(value);
  if (bytes > maxRecordBytes) return { reason: 'TOO_LARGE', detail: `record is ${bytes} bytes, the limit is ${maxRecordBytes}` };
  const violation = stream.validate(item.data);
  if (violation !== undefined) return { reason: 'SCHEMA_VIOLATION', detail: violation };
  return {
    // Ids live in the publisher's namespace; records without one get one here, so the
    // response names every record as its Envelope will.
    id: publisherRecordId(publisher, (item.id as string | undefined) ?? randomUUID()),
    key: (item.key as string | null | undefined) ?? null,
    time: item.time as string | undefined,
    data: item.data,
    value,
  };
}
