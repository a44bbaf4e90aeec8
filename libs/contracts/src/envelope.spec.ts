import { parseEnvelope, sourceRecordId } from './envelope';
import { ContractViolation } from './contract-violation';
import { Topics, isValidStreamName, recordTopicKey } from './topics';

const valid = {
  id: 'ingest.trades:0:7',
  stream: 'trades',
  key: 'ACME',
  time: '2026-11-28T10:00:00.000Z',
  ingestedAt: '2026-11-28T10:00:00.123Z',
  data: { price: 1 },
  meta: {},
};

describe('parseEnvelope', () => {
  it('accepts a contract envelope, with a null key too', () => {
    expect(parseEnvelope(valid)).toBe(valid);
    expect(parseEnvelope({ ...valid, key: null }).key).toBeNull();
  });

  it.each([
    ['a non-object', 42, /not a JSON object/],
    ['an array', [valid], /not a JSON object/],
    ['a missing id', { ...valid, id: undefined }, /id must be a non-empty string/],
    ['a numeric key', { ...valid, key: 7 }, /key must be a string or null/],
    ['a bad time', { ...valid, time: 'yesterday' }, /time must be an ISO-8601 timestamp/],
    ['array data', { ...valid, data: [] }, /data must be a JSON object/],
    ['missing meta', { ...valid, meta: undefined }, /meta must be a JSON object/],
  ])('refuses %s with a ContractViolation naming the field', (_what, value, message) => {
    expect(() => parseEnvelope(value)).toThrow(ContractViolation);
    expect(() => parseEnvelope(value)).toThrow(message);
  });

  it('reports every problem of one envelope together', () => {
    expect(() => parseEnvelope({ ...valid, id: '', stream: '', data: null })).toThrow(/id .*; stream .*; data /);
  });
});

describe('topic names', () => {
  it('prefixes every contract topic and the source topics', () => {
    const topics = new Topics('staging.');
    expect(topics.name('records.enriched')).toBe('staging.records.enriched');
    expect(topics.source('trades')).toBe('staging.ingest.trades');
    expect(topics.streamOfSource('staging.ingest.trades')).toBe('trades');
    expect(topics.streamOfSource('ingest.trades')).toBeUndefined();
    expect(topics.contractTopics().map((t) => t.topic)).toContain('staging.control.streams');
  });

  it('provisions records.* with at least 6 partitions and control.* compacted', () => {
    for (const spec of new Topics().contractTopics()) {
      if (spec.topic.startsWith('records.')) expect(spec.partitions).toBeGreaterThanOrEqual(6);
      if (spec.topic.startsWith('control.')) expect(spec.compacted).toBe(true);
    }
  });

  it('keys records by stream and record key', () => {
    expect(recordTopicKey('trades', 'ACME')).toBe('trades/ACME');
    expect(recordTopicKey('trades', null)).toBe('trades/');
    expect(sourceRecordId('ingest.trades', 3, '42')).toBe('ingest.trades:3:42');
  });

  it.each([
    ['trades', true],
    ['iot.telemetry-v2', true],
    ['Trades', false],
    ['1trades', false],
    ['a'.repeat(64), false],
    ['', false],
  ])('stream name %j valid: %s', (name, ok) => expect(isValidStreamName(name)).toBe(ok));
});
