import { DlqReason, checkRecordStructure, isIsoTimestamp, isJsonObject, recordsValidatedCodec, sourceRecordId } from '@streamgate/contracts';
import type { Envelope, RecordLimits, RecordMessage } from '@streamgate/contracts';
import { deadLetter, headerText, oversizeRecordMessage } from '@streamgate/kafka';
import type { Batch, KafkaMessage, Message } from '@streamgate/kafka';
import type { CompiledStream } from '@streamgate/streams';
import { PUBLISHER_HEADER, idNamespaceProblem } from './publisher-ids';

export interface NormalizeOptions {
  /** The stream reading the batch's topic; undefined when no stream owns the topic. */
  stream: CompiledStream | undefined;
  maxRecordBytes: number;
  /** Structural limits of a record's data, checked before schema validation and serialization. */
  limits: RecordLimits;
  /** Producer ids already forwarded recently (see DedupeWindow); HTTP ids carry their publisher (publisher-ids.ts). */
  seen(stream: string, id: string): boolean;
  /** ISO-8601 time stamped as `ingestedAt` on the whole batch. */
  now: string;
}

export interface NormalizedBatch {
  /** Messages for records.validated. */
  valid: Message[];
  /** Messages for records.dlq, one per rejected source record. */
  dead: Message[];
  /** Producer ids forwarded by this batch: remembered once the writes are acknowledged. */
  forwardedIds: string[];
  /** Records skipped as duplicates of a producer id inside the window. */
  duplicates: number;
}

export const MAX_ID_LENGTH = 256;

/**
 * The ingest hot path: every source record becomes exactly one output, an Envelope on
 * records.validated or a dead letter with a reason, except duplicates of a recent producer id
 * (counted). Nothing is dropped silently.
 */
export function normalizeBatch(batch: Pick<Batch, 'topic' | 'partition' | 'messages'>, options: NormalizeOptions): NormalizedBatch {
  const out: NormalizedBatch = { valid: [], dead: [], forwardedIds: [], duplicates: 0 };
  const source = { topic: batch.topic, partition: batch.partition };
  const name = options.stream?.definition.name ?? '';
  const inBatch = new Set<string>();
  for (const message of batch.messages) {
    const result = normalizeRecord(source, message, options);
    const rejection = 'reason' in result ? result : route(result, name, inBatch, options, out);
    if (rejection) out.dead.push(deadLetter(source, message, { stream: name, ...rejection }));
  }
  return out;
}

/** Forwards a record unless its producer id went out already (counted as a duplicate); never throws. */
function route(record: NormalizedRecord, stream: string, inBatch: Set<string>, options: NormalizeOptions, out: NormalizedBatch): Rejection | undefined {
  try {
    const id = record.producerId;
    if (id !== undefined) {
      if (inBatch.has(id) || options.seen(stream, id)) {
        out.duplicates++;
        return undefined;
      }
      inBatch.add(id);
      out.forwardedIds.push(id);
    }
    out.valid.push(record.message);
    return undefined;
  } catch (error) {
    return processingFailed('route', error);
  }
}

/** One source batch's output, written in that batch's transaction. */
export interface NormalizedFetch {
  valid: Message[];
  dead: Message[];
  /** Producer ids forwarded, with their stream: remembered once the transaction committed. */
  forwarded: Array<{ stream: string; id: string }>;
  duplicates: number;
}

/**
 * A fetch — one batch per partition, of any source topics — to one output per batch, in order.
 * A producer id forwarded by an earlier batch of the fetch counts as seen: the same id in two
 * partitions of a stream goes out once (if that batch's transaction fails, its retry forwards it).
 */
export function normalizeFetch(
  batches: Array<Pick<Batch, 'topic' | 'partition' | 'messages'>>,
  options: Omit<NormalizeOptions, 'stream'> & { streamOf(topic: string): CompiledStream | undefined },
): NormalizedFetch[] {
  const forwarded = new Set<string>();
  const seen = (stream: string, id: string) => forwarded.has(`${stream}\u0000${id}`) || options.seen(stream, id);
  return batches.map((batch) => {
    const stream = options.streamOf(batch.topic);
    const name = stream?.definition.name ?? '';
    const one = normalizeBatch(batch, { stream, maxRecordBytes: options.maxRecordBytes, limits: options.limits, now: options.now, seen });
    for (const id of one.forwardedIds) forwarded.add(`${name}\u0000${id}`);
    return { valid: one.valid, dead: one.dead, duplicates: one.duplicates, forwarded: one.forwardedIds.map((id) => ({ stream: name, id })) };
  });
}

type Rejection = { reason: DlqReason; detail: string };

/** The steps one record goes through; an unexpected error names the step it happened in. */
export type RecordStep = 'parse' | 'validate' | 'normalize' | 'serialize' | 'route';

export interface NormalizedRecord {
  envelope: Envelope;
  /** The records.validated message: the Envelope serialized once, keyed by stream and key. */
  message: RecordMessage;
  producerId: string | undefined;
}

/**
 * One source record to an Envelope or a rejection with a coded reason. Never throws: an
 * unexpected error in any step rejects this record (PROCESSING_FAILED), not the batch.
 */
export function normalizeRecord(
  source: { topic: string; partition: number },
  message: KafkaMessage,
  options: Pick<NormalizeOptions, 'stream' | 'maxRecordBytes' | 'limits' | 'now'>,
): NormalizedRecord | Rejection {
  let step: RecordStep = 'validate';
  try {
    const { stream } = options;
    if (stream === undefined) return { reason: DlqReason.UnknownStream, detail: `no stream reads topic ${source.topic}` };
    const size = message.value?.length ?? 0;
    if (size > options.maxRecordBytes) {
      return { reason: DlqReason.TooLarge, detail: `record is ${size} bytes, the limit is ${options.maxRecordBytes}` };
    }
    const headers = readHeaders(message);
    if ('reason' in headers) return headers;
    step = 'parse';
    let data: unknown;
    try {
      data = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch (error) {
      return { reason: DlqReason.InvalidJson, detail: (error as Error).message };
    }
    step = 'validate';
    if (!isJsonObject(data)) return { reason: DlqReason.InvalidJson, detail: 'record value must be a JSON object' };
    // Before anything recursive (schema, serializing) touches the data.
    const structure = checkRecordStructure(data, options.limits);
    if (structure) return structure;
    const violation = stream.validate(data);
    if (violation !== undefined) return { reason: DlqReason.SchemaViolation, detail: violation };
    step = 'normalize';
    const { id, time } = headers;
    const eventTime = new Date(time ?? Number(message.timestamp));
    // Kafka 4 refuses far-future timestamps by default, but a broker may be set to take any int64.
    if (Number.isNaN(eventTime.getTime())) return { reason: DlqReason.BadHeader, detail: `the record's Kafka timestamp ${message.timestamp} is not a time; send a time header` };
    const envelope: Envelope = {
      id: id ?? sourceRecordId(source.topic, source.partition, message.offset),
      stream: stream.definition.name,
      key: message.key === null ? null : message.key.toString('utf8'),
      time: eventTime.toISOString(),
      ingestedAt: options.now,
      data,
      meta: {},
    };
    step = 'serialize';
    const out = recordsValidatedCodec.encode(envelope);
    const bytes = oversizeRecordMessage(out.key, out.value);
    if (bytes !== undefined) return { reason: DlqReason.TooLarge, detail: `the Envelope is ${bytes} bytes, more than records.validated accepts` };
    return { envelope, message: out, producerId: id };
  } catch (error) {
    return processingFailed(step, error);
  }
}

/** The `id` and `time` headers, or why they cannot stand. */
function readHeaders(message: KafkaMessage): { id: string | undefined; time: string | undefined } | Rejection {
  const id = headerText(message, 'id');
  const publisher = headerText(message, PUBLISHER_HEADER);
  if (publisher !== undefined && id === undefined) return { reason: DlqReason.BadHeader, detail: 'a record with header publisher needs header id' };
  if (id !== undefined && publisher === undefined && (id.length === 0 || id.length > MAX_ID_LENGTH)) {
    return { reason: DlqReason.BadHeader, detail: `header id must be 1..${MAX_ID_LENGTH} characters` };
  }
  const namespace = id === undefined ? undefined : idNamespaceProblem(id, publisher, MAX_ID_LENGTH);
  if (namespace !== undefined) return { reason: DlqReason.BadHeader, detail: namespace };
  const time = headerText(message, 'time');
  if (time !== undefined && !isIsoTimestamp(time)) {
    return { reason: DlqReason.BadHeader, detail: `header time is not an ISO-8601 timestamp: ${JSON.stringify(time.slice(0, 64))}` };
  }
  return { id, time };
}

/** The dead-letter reason of an error nobody expected: a bug, contained to its record. */
export function processingFailed(step: RecordStep, error: unknown): Rejection {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = 'an unprintable error';
  }
  return { reason: DlqReason.ProcessingFailed, detail: `${step}: ${text}` };
}
