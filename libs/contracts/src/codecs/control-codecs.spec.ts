import { TopicName } from '../topics';
import type { ControlTopicName } from './topic-codecs';
import { controlCodecOf } from './topic-codecs';
import { apiKey, entitlements, partner, quota, referenceRow, streamDefinition, violation } from './codecs.fixtures';
import { controlEntitlementsCodec, controlKeysCodec, controlPartnersCodec, controlQuotasCodec, controlReferenceCodec, controlStreamsCodec } from './control-codecs';

const CASES: Array<[ControlTopicName, string, unknown]> = [
  [TopicName.ControlStreams, 'trades', streamDefinition],
  [TopicName.ControlEntitlements, 'ptn_a', entitlements],
  [TopicName.ControlPartners, 'ptn_a', partner],
  [TopicName.ControlQuotas, 'ptn_a', quota],
  [TopicName.ControlReference, 'instruments/ACME', referenceRow],
  [TopicName.ControlKeys, 'abcdefghijkl', apiKey],
];

describe('control topic codecs', () => {
  it.each(CASES)('%s: round-trips a value and a tombstone under its key', (topic, key, value) => {
    const codec = controlCodecOf(topic) as ReturnType<typeof controlCodecOf<typeof TopicName.ControlKeys>>;
    const message = codec.encode({ key, value: value as typeof apiKey });
    expect(message).toEqual({ key, value: JSON.stringify(value) });
    expect(codec.decode({ key: Buffer.from(key), value: Buffer.from(message.value as string) })).toEqual({ key, value });
    expect(codec.decodeValue(Buffer.from(message.value as string), key)).toEqual(value);
    expect(codec.encode({ key, value: null })).toEqual({ key, value: null });
    expect(codec.decode({ key: Buffer.from(key), value: null })).toEqual({ key, value: null });
  });

  it.each(CASES)('%s: refuses a value under another key, and any message without a key', (topic, key, value) => {
    const codec = controlCodecOf(topic) as ReturnType<typeof controlCodecOf<typeof TopicName.ControlKeys>>;
    const json = JSON.stringify(value);
    if (topic === TopicName.ControlQuotas) expect(codec.decode({ key: 'ptn_b', value: json }).value).toEqual(quota);
    else expect(violation(() => codec.decode({ key: `${key}-other`, value: json }))).toMatch(/^INVALID_KEY .*: key ".*-other" is not the value's key/);
    expect(violation(() => codec.decode({ key: null, value: json }))).toMatch(/^INVALID_KEY .*: a control record needs a key$/);
    expect(violation(() => codec.encode({ key: '', value: null }))).toMatch(/^INVALID_KEY/);
  });

  it('checks every field, naming each problem', () => {
    expect(violation(() => controlPartnersCodec.decodeValue('{"id":"p","name":7,"timezone":"","status":"gone"}'))).toBe(
      'INVALID_VALUE partner record: name must be a string; plan must be a string or null; timezone must be a non-empty string; status must be one of "active", "suspended"',
    );
    expect(violation(() => controlKeysCodec.decodeValue(JSON.stringify({ ...apiKey, hash: 'xyz', scopes: ['admin'] })))).toBe(
      'INVALID_VALUE API key record: hash must be a hex SHA-256; scopes must be an array of subscribe, publish, usage:read',
    );
    expect(violation(() => controlQuotasCodec.decodeValue(JSON.stringify({ ...quota, state: 'over', period: '2026-1', used: -1 })))).toBe(
      'INVALID_VALUE quota state: state must be one of "ok", "soft", "hard"; period must be a YYYY-MM period; used must be a non-negative number',
    );
    expect(violation(() => controlReferenceCodec.decodeValue('{"table":"t","key":"k","row":[]}'))).toBe('INVALID_VALUE reference row: row must be a JSON object');
    expect(violation(() => controlQuotasCodec.decodeValue('{'))).toMatch(/^INVALID_JSON quota state: not JSON/);
  });

  it('checks each entitlement policy and each enrichment step by name', () => {
    const badPolicy = { ...entitlements, streams: { trades: { subscribe: 'yes' } } };
    expect(violation(() => controlEntitlementsCodec.decodeValue(JSON.stringify(badPolicy)))).toBe(
      'INVALID_VALUE partner entitlements: streams.trades: subscribe must be a boolean when present',
    );
    const badStep = { ...streamDefinition, enrich: [streamDefinition.enrich[0], { op: 'lookup', table: 't', into: 'meta.x' }] };
    expect(violation(() => controlStreamsCodec.decodeValue(JSON.stringify(badStep)))).toBe('INVALID_VALUE stream definition: enrich[1]: key must be a non-empty string');
    expect(violation(() => controlStreamsCodec.decodeValue(JSON.stringify({ ...streamDefinition, enrich: [{ op: 'eval' }] })))).toBe(
      'INVALID_VALUE stream definition: enrich[0].op must be one of lookup, derive, redact, pick',
    );
    expect(violation(() => controlStreamsCodec.decodeValue(JSON.stringify({ ...streamDefinition, version: undefined, source: {} })))).toBe(
      'INVALID_VALUE stream definition: source must be { topic: a non-empty string }; version must be a non-negative integer',
    );
  });

  it('refuses to encode a value that breaks the contract (it would be served to every reader)', () => {
    expect(violation(() => controlPartnersCodec.encode({ key: 'ptn_a', value: { ...partner, status: 'deleted' as 'active' } }))).toMatch(/^INVALID_VALUE partner record: status/);
    expect(violation(() => controlReferenceCodec.encode({ key: 'ACME', value: referenceRow }))).toMatch(/^INVALID_KEY reference row: key "ACME" is not the value's key "instruments\/ACME"/);
  });
});
