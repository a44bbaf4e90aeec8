import { DlqReason, isIsoTimestamp, isJsonObject, recordTopicKey, sourceRecordId } from '@streamgate/contracts';
import type { Envelope } from '@streamgate/contracts';
import { deadLetter, headerText } from '@streamgate/kafka';
import type { Batch, KafkaMessage, Message } from '@streamgate/kafka';

export interface NormalizeOptions {
  /** Stream whose source topic the batch came from; undefined when no stream owns the topic. */
  stream: string | undefined;
  maxRecordBytes: number;
  /** ISO-8601 time stamped as `ingestedAt` on the whole batch. */
  now: string;
}

export interface NormalizedBatch {
  /** Messages for records.validated. */
  valid: Message[];
  /** Messages for records.dlq, one per rejected source record. */
  dead: Message[];
}

const MAX_ID_LENGTH = 256;

/**
 * The ingest hot path: every source record becomes exactly one output, either an Envelope on
 * records.validated or a dead letter with a reason. Nothing is dropped.
 */
export function normalizeBatch(batch: Pick<Batch, 'topic' | 'partition' | 'messages'>, options: NormalizeOptions): NormalizedBatch {
  const valid: Message[] = [];
  const dead: Message[] = [];
  const source = { topic: batch.topic, partition: batch.partition };
  for (const message of batch.messages) {
    const result = normalizeRecord(source, message, options);
    if ('reason' in result) dead.push(deadLetter(source, message, { stream: options.stream ?? '', ...result }));
    else valid.push({ key: recordTopicKey(result.stream, result.key), value: JSON.stringify(result), headers: { stream: result.stream } });
  }
  return { valid, dead };
}

type Rejection = { reason: DlqReason; detail: string };

export function normalizeRecord(
  source: { topic: string; partition: number },
  message: KafkaMessage,
  options: NormalizeOptions,
): Envelope | Rejection {
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
  return {
    id: id ?? sourceRecordId(source.topic, source.partition, message.offset),
    stream,
    key: message.key === null ? null : message.key.toString('utf8'),
    time: time ? new Date(time).toISOString() : new Date(Number(message.timestamp)).toISOString(),
    ingestedAt: options.now,
    data,
    meta: {},
  };
}
