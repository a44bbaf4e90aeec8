import { ContractViolationCode } from '../contract-violation';
import { deadLetter, envelope, violation } from './codecs.fixtures';
import { recordsDlqCodec, recordsEnrichedCodec, recordsValidatedCodec } from './record-codecs';

describe('records.validated and records.enriched', () => {
  it.each([recordsValidatedCodec, recordsEnrichedCodec])('round-trips an Envelope keyed <stream>/<key> with its stream header ($topic)', (codec) => {
    const message = codec.encode(envelope);
    expect(message).toEqual({ key: 'trades/ACME', value: JSON.stringify(envelope), headers: { stream: 'trades' } });
    expect(codec.decode({ key: Buffer.from(message.key), value: Buffer.from(message.value), headers: { stream: Buffer.from('trades') } })).toEqual(envelope);
  });

  it('keeps a given key as it is (enrichment forwards its input key bytes)', () => {
    const key = Buffer.from('trades/ACME');
    expect(recordsEnrichedCodec.encode(envelope, key).key).toBe(key);
    expect(recordsEnrichedCodec.encode({ ...envelope, key: null }).key).toBe('trades/');
  });

  it('refuses what is not an Envelope, with a code and the reasons', () => {
    expect(violation(() => recordsValidatedCodec.decode({ value: Buffer.from('garbage') }))).toMatch(/^INVALID_JSON envelope: not JSON: /);
    expect(violation(() => recordsValidatedCodec.decode({ value: null }))).toBe(`${ContractViolationCode.MissingValue} envelope: no value`);
    expect(violation(() => recordsEnrichedCodec.decode({ value: JSON.stringify({ ...envelope, id: '', time: 'yesterday' }) }))).toBe(
      'INVALID_VALUE envelope: id must be a non-empty string; time must be an ISO-8601 timestamp',
    );
    expect(violation(() => recordsEnrichedCodec.decode({ value: '[]' }))).toBe('INVALID_VALUE envelope: not a JSON object');
  });
});

describe('records.dlq', () => {
  it('round-trips a dead letter: key and bytes untouched, headers typed', () => {
    const message = recordsDlqCodec.encode(deadLetter);
    expect(message).toEqual({ key: deadLetter.key, value: deadLetter.value, headers: deadLetter.headers });
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, text]) => [name, Buffer.from(text)]));
    expect(recordsDlqCodec.decode({ key: message.key, value: message.value, headers })).toEqual(deadLetter);
  });

  it('takes repeated headers by their first value, and a letter without key or value', () => {
    const headers = { ...deadLetter.headers, reason: [Buffer.from('TOO_LARGE'), Buffer.from('INVALID_JSON')] };
    expect(recordsDlqCodec.decode({ key: null, value: null, headers }).headers.reason).toBe('TOO_LARGE');
  });

  it('refuses a letter whose headers break the contract, naming each', () => {
    const { detail: _detail, ...noDetail } = deadLetter.headers;
    expect(violation(() => recordsDlqCodec.decode({ value: null, headers: { ...noDetail, reason: 'OOPS', 'source-offset': '-1' } }))).toBe(
      'INVALID_HEADER dead letter: header reason must be a DlqReason; header detail must be text; header source-offset must be an offset',
    );
    expect(violation(() => recordsDlqCodec.decode({ value: null }))).toMatch(/^INVALID_HEADER dead letter: header stream must be/);
  });
});
