import { ContractViolation, ContractViolationCode } from '../contract-violation';
import { readJson } from '../contract-checks';
import { DlqReason } from '../dlq';
import type { DeadLetter, DlqHeaders } from '../dlq';
import { parseEnvelope } from '../envelope';
import type { Envelope } from '../envelope';
import { TopicName, recordTopicKey } from '../topics';
import { headerText } from './topic-codec';
import type { InboundMessage, TopicCodec } from './topic-codec';

/** A message of records.validated or records.enriched: the Envelope serialized once, its stream as a header. */
export interface RecordMessage<K extends Buffer | string | null = string> {
  key: K;
  value: string;
  headers: { stream: string };
}

/**
 * The Envelope topics are the hot path: decoding is JSON.parse plus parseEnvelope and nothing
 * more (the `stream` header is a routing hint, not checked against the Envelope), and encoding
 * is one JSON.stringify, its result returned so callers can size it without serializing again.
 */
export interface EnvelopeCodec extends TopicCodec<Envelope, RecordMessage> {
  /** Keyed `<stream>/<key>` (recordTopicKey), or by `key` when given: enrichment keeps its input's key bytes. */
  encode<K extends Buffer | string | null = string>(envelope: Envelope, key?: K): RecordMessage<K>;
}

function envelopeCodec(topic: typeof TopicName.RecordsValidated | typeof TopicName.RecordsEnriched): EnvelopeCodec {
  return {
    topic,
    encode: <K extends Buffer | string | null = string>(envelope: Envelope, key?: K): RecordMessage<K> => ({
      key: key === undefined ? (recordTopicKey(envelope.stream, envelope.key) as K) : key,
      value: JSON.stringify(envelope),
      headers: { stream: envelope.stream },
    }),
    decode: (message) => parseEnvelope(readJson('envelope', message.value)),
  };
}

export const recordsValidatedCodec = envelopeCodec(TopicName.RecordsValidated);
export const recordsEnrichedCodec = envelopeCodec(TopicName.RecordsEnriched);

const DLQ_REASONS: readonly string[] = Object.values(DlqReason);
const DIGITS = /^\d+$/;
/** Every header of a dead letter and what it must hold; `detail` may be empty. */
const DLQ_HEADERS: { [H in keyof DlqHeaders]-?: [test: (text: string) => boolean, expected: string] } = {
  stream: [() => true, 'a stream name (empty when none owns the source)'],
  reason: [(text) => DLQ_REASONS.includes(text), 'a DlqReason'],
  detail: [() => true, 'text'],
  'source-topic': [(text) => text !== '', 'a topic name'],
  'source-partition': [(text) => DIGITS.test(text), 'a partition number'],
  'source-offset': [(text) => DIGITS.test(text), 'an offset'],
};

export function parseDlqHeaders(headers: InboundMessage['headers']): DlqHeaders {
  const problems: string[] = [];
  const out: Record<string, string> = {};
  for (const [name, [test, expected]] of Object.entries(DLQ_HEADERS)) {
    const text = headerText(headers, name);
    if (text === undefined || !test(text)) problems.push(`header ${name} must be ${expected}`);
    else out[name] = text;
  }
  if (problems.length > 0) throw new ContractViolation('dead letter', problems.join('; '), ContractViolationCode.InvalidHeader);
  return out as unknown as DlqHeaders;
}

/**
 * records.dlq: the source record's key and bytes pass through as they were (a dead letter is
 * often not JSON at all); the contract is in the headers. Encoding is on the hot path of
 * ingest and enrichment, so it only copies the headers, typed; `detail` is bounded by the caller.
 */
export const recordsDlqCodec: TopicCodec<DeadLetter> = {
  topic: TopicName.RecordsDlq,
  encode: ({ key, value, headers }) => ({ key, value, headers: { ...headers } }),
  decode: (message) => ({ key: message.key ?? null, value: message.value, headers: parseDlqHeaders(message.headers) }),
};
