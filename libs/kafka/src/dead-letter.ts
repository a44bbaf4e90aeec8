import type { KafkaMessage, Message } from 'kafkajs';
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
  return { key: message.key, value: message.value, headers: { ...headers } };
}

/** Reads a header as text (kafkajs gives Buffers, possibly arrays). */
export function headerText(message: Pick<KafkaMessage, 'headers'>, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
