import { TopicName } from '../topics';
import type { TopicPayloads } from '../topics';
import { controlEntitlementsCodec, controlKeysCodec, controlPartnersCodec, controlQuotasCodec, controlReferenceCodec, controlStreamsCodec } from './control-codecs';
import { recordsDlqCodec, recordsEnrichedCodec, recordsValidatedCodec } from './record-codecs';
import type { ControlCodec, TopicCodec } from './topic-codec';
import { usageEventsCodec } from './usage-codec';

/** The compacted topics: their codecs read and write keyed entries with tombstones. */
export type ControlTopicName = Extract<TopicName, `control.${string}`>;

/** The codec a topic must have: the payload type is TopicPayloads[T], nothing else. */
export type CodecFor<T extends TopicName> = T extends ControlTopicName ? ControlCodec<TopicPayloads[T]> : TopicCodec<TopicPayloads[T]>;

/**
 * One codec per contract topic. `satisfies` checks every topic has one, of its payload type,
 * and keeps each codec's own type (an Envelope codec's encode returns the serialized string).
 */
export const TOPIC_CODECS = {
  [TopicName.RecordsValidated]: recordsValidatedCodec,
  [TopicName.RecordsEnriched]: recordsEnrichedCodec,
  [TopicName.RecordsDlq]: recordsDlqCodec,
  [TopicName.ControlStreams]: controlStreamsCodec,
  [TopicName.ControlEntitlements]: controlEntitlementsCodec,
  [TopicName.ControlPartners]: controlPartnersCodec,
  [TopicName.ControlQuotas]: controlQuotasCodec,
  [TopicName.ControlReference]: controlReferenceCodec,
  [TopicName.ControlKeys]: controlKeysCodec,
  [TopicName.UsageEvents]: usageEventsCodec,
} as const satisfies { readonly [T in TopicName]: CodecFor<T> };

export type TopicCodecs = typeof TOPIC_CODECS;

/** The codec of a topic (logical name, without TOPIC_PREFIX). */
export function codecOf<T extends TopicName>(topic: T): TopicCodecs[T] {
  return TOPIC_CODECS[topic];
}

/** The codec of a control topic by its payload type, for code generic over control topics (the outbox, reconciliation). */
export function controlCodecOf<T extends ControlTopicName>(topic: T): ControlCodec<TopicPayloads[T]> {
  // TypeScript cannot follow a generic key through the conditional CodecFor; `satisfies` above checked it.
  return TOPIC_CODECS[topic] as unknown as ControlCodec<TopicPayloads[T]>;
}
