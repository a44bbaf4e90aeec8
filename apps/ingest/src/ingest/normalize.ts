import { DlqReason, isIsoTimestamp, isJsonObject, recordTopicKey, sourceRecordId } from '@streamgate/contracts';
import type { Envelope } from '@streamgate/contracts';
import { deadLetter, headerText } from '@streamgate/kafka';
import type { Batch, KafkaMessage, Message } from '@streamgate/kafka';
import type { CompiledStream } from '@streamgate/streams';

export interface NormalizeOptions {
  /** The stream reading the batch's topic; undefined when no stream owns the topic. */
  stream: CompiledStream | undefined;
  maxRecordBytes: number;
  /** Producer ids already forwarded recently (see DedupeWindow). */
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
    if ('reason' in result) {
      out.dead.push(deadLetter(source, message, { stream: name, ...result }));
      continue;
    }
    if (result.producerId !== undefined) {
      if (inBatch.has(result.producerId) || options.seen(name, result.producerId)) {
        out.duplicates++;
        continue;
      }
      inBatch.add(result.producerId);
      out.forwardedIds.push(result.producerId);
    }
    const envelope = result.envelope;
    out.valid.push({ key: recordTopicKey(envelope.stream, envelope.key), value: JSON.stringify(envelope), headers: { stream: envelope.stream } });
  }
  return out;
}

export interface NormalizedFetch {
  valid: Message[];
  dead: Message[];
  /** Producer ids forwarded, with their stream: remembered once the writes are acknowledged. */
  forwarded: Array<{ stream: string; id: string }>;
  duplicates: number;
}

/**
 * A fetch — one batch per partition, of any source topics — as one output for one write. A
 * producer id forwarded by an earlier batch of the fetch counts as seen: the same id in two
 * partitions of a stream goes out once.
 */
export function normalizeFetch(
  batches: Array<Pick<Batch, 'topic' | 'partition' | 'messages'>>,
  options: Omit<NormalizeOptions, 'stream'> & { streamOf(topic: string): CompiledStream | undefined },
): NormalizedFetch {
  const out: NormalizedFetch = { valid: [], dead: [], forwarded: [], duplicates: 0 };
  const forwarded = new Set<string>();
  const seen = (stream: string, id: string) => forwarded.has(`${stream}\u0000${id}`) || options.seen(stream, id);
  for (const batch of batches) {
    const stream = options.streamOf(batch.topic);
    const name = stream?.definition.name ?? '';
    const one = normalizeBatch(batch, { stream, maxRecordBytes: options.maxRecordBytes, now: options.now, seen });
    out.valid.push(...one.valid);
    out.dead.push(...one.dead);
    out.duplicates += one.duplicates;
    for (const id of one.forwardedIds) {
      forwarded.add(`${name}\u0000${id}`);
      out.forwarded.push({ stream: name, id });
    }
  }
  return out;
}

type Rejection = { reason: DlqReason; detail: string };

export function normalizeRecord(
  source: { topic: string; partition: number },
  message: KafkaMessage,
  options: Pick<NormalizeOptions, 'stream' | 'maxRecordBytes' | 'now'>,
): { envelope: Envelope; producerId: string | undefined } | Rejection {
  const { stream } = options;
  if (stream === undefined) return { reason: DlqReason.UnknownStream, detail: `no stream reads topic ${source.topic}` };
  const size = message.value?.length ?? 0;
  if (size > options.maxRecordBytes) {
    return { reason: DlqReason.TooLarge, detail: `record is ${size} bytes, the limit is ${options.maxRecordBytes}` };
  }
  const id = headerText(message, 'id');
  if (id !== undefined && (id.length === 0 || id.length > MAX_ID_LENGTH)) {
    return { reason: DlqReason.BadHeader, detail: `header id must be 1..${MAX_ID_LENGTH} characters` };
  }
  const time = headerText(message, 'time');
  if (time !== undefined && !isIsoTimestamp(time)) {
    return { reason: DlqReason.BadHeader, detail: `header time is not an ISO-8601 timestamp: ${JSON.stringify(time.slice(0, 64))}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch (error) {
    return { reason: DlqReason.InvalidJson, detail: (error as Error).message };
  }
  if (!isJsonObject(data)) return { reason: DlqReason.InvalidJson, detail: 'record value must be a JSON object' };
  const violation = stream.validate(data);
  if (violation !== undefined) return { reason: DlqReason.SchemaViolation, detail: violation };
  return {
    producerId: id,
    envelope: {
      id: id ?? sourceRecordId(source.topic, source.partition, message.offset),
      stream: stream.definition.name,
      key: message.key === null ? null : message.key.toString('utf8'),
      time: time ? new Date(time).toISOString() : new Date(Number(message.timestamp)).toISOString(),
      ingestedAt: options.now,
      data,
      meta: {},
    },
  };
}
