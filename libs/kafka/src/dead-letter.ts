import type { KafkaMessage, Message } from 'kafkajs';
import { RECORDS_MAX_MESSAGE_BYTES, recordsDlqCodec } from '@streamgate/contracts';
import type { DlqHeaders, DlqReason } from '@streamgate/contracts';

export interface SourceCoordinates {
  topic: string;
  partition: number;
}

/**
 * A dead letter for `records.dlq`: the source record's key and original bytes, with the
 * reason and the coordinates to find the original again.
 */
export function deadLetter(
  source: SourceCoordinates,
  message: KafkaMessage,
  failure: { stream: string; reason: DlqReason; detail: string },
): Message {
  const headers: DlqHeaders = {
    stream: failure.stream,
    reason: failure.reason,
    // Kafka headers are bytes; keep the human text bounded so one bad record cannot bloat the DLQ.
    detail: failure.detail.slice(0, 2_000),
    'source-topic': source.topic,
    'source-partition': String(source.partition),
    'source-offset': message.offset,
  };
  return recordsDlqCodec.encode({ key: message.key, value: message.value, headers });
}

/** Reads a header as text (kafkajs gives Buffers, possibly arrays). */
export function headerText(message: Pick<KafkaMessage, 'headers'>, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

// Room for a message's headers (stream, dead-letter coordinates) and the batch framing.
const RECORD_FRAMING_BYTES = 16 * 1024;

/**
 * The bytes of a message for `records.*` when they exceed what those topics accept, else
 * undefined: the broker would refuse such a message on every retry, so it is dead-lettered
 * instead. Cheap: bytes are counted only when the UTF-16 length could exceed the limit.
 */
export function oversizeRecordMessage(key: string, value: string): number | undefined {
  const limit = RECORDS_MAX_MESSAGE_BYTES - RECORD_FRAMING_BYTES;
  if ((key.length + value.length) * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
  return bytes > limit ? bytes : undefined;
}
