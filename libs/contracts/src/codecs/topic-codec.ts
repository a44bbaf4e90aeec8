import { ContractViolation, ContractViolationCode } from '../contract-violation';
import { readJson } from '../contract-checks';
import type { TopicName } from '../topics';

/** A Kafka header as clients hand it over (kafkajs: Buffers, possibly repeated). */
export type HeaderValue = Buffer | string | ReadonlyArray<Buffer | string> | undefined;

/** A consumed message, as far as a codec reads it (a kafkajs KafkaMessage fits). */
export interface InboundMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Readonly<Record<string, HeaderValue>>;
}

/** A message to produce (fits a kafkajs Message). */
export interface OutboundMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, string>;
}

/**
 * How one topic's messages are written and read: `encode` builds the key, value and headers of
 * a payload; `decode` checks a consumed message and returns its payload, or throws a
 * ContractViolation with a code. Payload types come from TopicPayloads, so changing one breaks
 * the compiler wherever that topic is produced or consumed.
 */
export interface TopicCodec<V, Out extends OutboundMessage = OutboundMessage> {
  readonly topic: TopicName;
  encode(value: V): Out;
  decode(message: InboundMessage): V;
}

/** One row of a compacted control topic: the latest value of a key, null for a tombstone. */
export interface ControlEntry<V> {
  key: string;
  value: V | null;
}

export interface ControlMessage extends OutboundMessage {
  key: string;
  value: string | null;
}

/**
 * A control topic's codec: entries (with tombstones) in and out, and `decodeValue` for readers
 * that handle tombstones themselves (ControlTable). Values are checked on both sides: control
 * writes are rare, and a bad row on a compacted topic would be served to every reader for good.
 */
export interface ControlCodec<V> extends TopicCodec<ControlEntry<V>, ControlMessage> {
  /** A value that is not a tombstone; with `key`, also checks the key is the one the value implies. */
  decodeValue(value: Buffer | string, key?: string): V;
}

/** First value of a header as text. */
export function headerText(headers: InboundMessage['headers'], name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? (value as ReadonlyArray<Buffer | string>)[0] : (value as Buffer | string | undefined);
  return first === undefined ? undefined : first.toString();
}

export function keyText(key: InboundMessage['key']): string | undefined {
  return key === null || key === undefined ? undefined : key.toString();
}

/**
 * A control codec from the payload's check and, where the value names it, the key it must be
 * written under (control.quotas values do not carry their partner id: any key goes).
 */
export function controlCodec<V>(topic: TopicName, contract: string, parse: (value: unknown) => V, keyOf?: (value: V) => string): ControlCodec<V> {
  const checked = (value: unknown, key: string | undefined): V => {
    const parsed = parse(value);
    if (key !== undefined && keyOf && keyOf(parsed) !== key) {
      throw new ContractViolation(contract, `key ${JSON.stringify(key)} is not the value's key ${JSON.stringify(keyOf(parsed))}`, ContractViolationCode.InvalidKey);
    }
    return parsed;
  };
  const requireKey = (key: string | undefined): string => {
    if (key === undefined || key === '') throw new ContractViolation(contract, 'a control record needs a key', ContractViolationCode.InvalidKey);
    return key;
  };
  return {
    topic,
    encode: ({ key, value }) => {
      requireKey(key);
      if (value === null) return { key, value: null };
      checked(value, key);
      return { key, value: JSON.stringify(value) };
    },
    decode: (message) => {
      const key = requireKey(keyText(message.key));
      return { key, value: message.value === null ? null : checked(readJson(contract, message.value), key) };
    },
    decodeValue: (value, key) => checked(readJson(contract, value), key),
  };
}
