export { TOPIC_CODECS, codecOf, controlCodecOf } from './topic-codecs';
export type { CodecFor, ControlTopicName, TopicCodecs } from './topic-codecs';
export { controlCodec } from './topic-codec';
export type { ControlCodec, ControlEntry, ControlMessage, HeaderValue, InboundMessage, OutboundMessage, TopicCodec } from './topic-codec';
export { parseDlqHeaders, recordsDlqCodec, recordsEnrichedCodec, recordsValidatedCodec } from './record-codecs';
export type { EnvelopeCodec, RecordMessage } from './record-codecs';
export { controlEntitlementsCodec, controlKeysCodec, controlPartnersCodec, controlQuotasCodec, controlReferenceCodec, controlStreamsCodec } from './control-codecs';
export { usageEventsCodec } from './usage-codec';
export type { UsageMessage } from './usage-codec';
