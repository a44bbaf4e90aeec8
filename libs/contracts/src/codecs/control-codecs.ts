import { parseApiKeyRecord, parsePartnerRecord } from '../api-keys';
import { parsePartnerEntitlements } from '../entitlements';
import { parseReferenceRow, parseStreamDefinition, referenceTopicKey } from '../stream-definition';
import { TopicName } from '../topics';
import { parseQuotaState } from '../usage';
import { controlCodec } from './topic-codec';

// The compacted control topics. Keys: stream name, partner id, partner id, partner id (quotas
// carry none in the value), `<table>/<key>`, key id; a null value is a tombstone (deleted).
export const controlStreamsCodec = controlCodec(TopicName.ControlStreams, 'stream definition', parseStreamDefinition, (d) => d.name);
export const controlEntitlementsCodec = controlCodec(TopicName.ControlEntitlements, 'partner entitlements', parsePartnerEntitlements, (e) => e.partnerId);
export const controlPartnersCodec = controlCodec(TopicName.ControlPartners, 'partner record', parsePartnerRecord, (p) => p.id);
export const controlQuotasCodec = controlCodec(TopicName.ControlQuotas, 'quota state', parseQuotaState);
export const controlReferenceCodec = controlCodec(TopicName.ControlReference, 'reference row', parseReferenceRow, (r) => referenceTopicKey(r.table, r.key));
export const controlKeysCodec = controlCodec(TopicName.ControlKeys, 'API key record', parseApiKeyRecord, (k) => k.id);
