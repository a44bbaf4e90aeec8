import type { KafkaMessage } from '@streamgate/kafka';
import { compileStream, createSchemaCompiler } from '@streamgate/streams';
import { normalizeBatch, normalizeFetch } from './normalize';
import type { NormalizeOptions } from './normalize';

const NOW = '2026-11-28T12:00:00.000Z';
const trades = compileStream(
  {
    name: 'trades',
    schema: { type: 'object', required: ['price'], properties: { price: { type: 'number' }, symbol: { type: 'string' } } },
    source: { topic: 'ingest.trades' },
    enrich: [],
    version: 1,
    updatedAt: NOW,
  },
  { ajv: createSchemaCompiler(), hashKey: '' },
);
const options: NormalizeOptions = { stream: trades, maxRecordBytes: 1024, now: NOW, seen: () => false };

function message(value: string | null, extra: Partial<KafkaMessage> = {}): KafkaMessage {
  return {
    key: Buffer.from('ACME'),
    value: value === null ? null : Buffer.from(value),
    timestamp: String(Date.parse('2026-11-28T11:59:00.000Z')),
    attributes: 0,
    offset: '7',
    headers: {},
    ...extra,
  } as KafkaMessage;
}

const batch = (...messages: KafkaMessage[]) => ({ topic: 'ingest.trades', partition: 2, messages });
const header = (m: { headers?: Record<string, unknown> }, name: string) => String(m.headers?.[name]);

describe('normalizeBatch', () => {
  it('turns a JSON object into a contract envelope keyed by stream and key', () => {
    const { valid, dead } = normalizeBatch(batch(message('{"price":101.5}')), options);
    expect(dead).toHaveLength(0);
    expect(valid[0]?.key).toBe('trades/ACME');
    expect(JSON.parse(String(valid[0]?.value))).toEqual({
      id: 'ingest.trades:2:7',
      stream: 'trades',
      key: 'ACME',
      time: '2026-11-28T11:59:00.000Z',
      ingestedAt: NOW,
      data: { price: 101.5 },
      meta: {},
    });
  });

  it('takes id and time from the producer headers', () => {
    const m = message('{"price":1}', { headers: { id: Buffer.from('order-1'), time: Buffer.from('2026-11-28T13:00:00+01:00') } });
    const envelope = JSON.parse(String(normalizeBatch(batch(m), options).valid[0]?.value));
    expect(envelope.id).toBe('order-1');
    expect(envelope.time).toBe('2026-11-28T12:00:00.000Z');
  });

  it.each([
    ['malformed JSON', message('{"price":'), 'INVALID_JSON'],
    ['a JSON array', message('[1,2]'), 'INVALID_JSON'],
    ['a null value', message(null), 'INVALID_JSON'],
    ['an oversize record', message(JSON.stringify({ pad: 'x'.repeat(2000) })), 'TOO_LARGE'],
    ['an empty id header', message('{"price":1}', { headers: { id: Buffer.from('') } }), 'BAD_HEADER'],
    ['a bad time header', message('{"price":1}', { headers: { time: Buffer.from('noon') } }), 'BAD_HEADER'],
    ['a missing required field', message('{"symbol":"ACME"}'), 'SCHEMA_VIOLATION'],
    ['a field of the wrong type', message('{"price":"high"}'), 'SCHEMA_VIOLATION'],
  ])('sends %s to the DLQ with reason %s and the source coordinates', (_what, m, reason) => {
    const { valid, dead } = normalizeBatch(batch(m), options);
    expect(valid).toHaveLength(0);
    expect(dead).toHaveLength(1);
    const letter = dead[0] as { key: unknown; value: unknown; headers: Record<string, unknown> };
    expect(header(letter, 'reason')).toBe(reason);
    expect(header(letter, 'stream')).toBe('trades');
    expect(header(letter, 'source-topic')).toBe('ingest.trades');
    expect(header(letter, 'source-partition')).toBe('2');
    expect(header(letter, 'source-offset')).toBe('7');
    expect(letter.value).toBe(m.value);
    expect(header(letter, 'detail').length).toBeGreaterThan(0);
  });

  it('names the failing path of a schema violation', () => {
    const { dead } = normalizeBatch(batch(message('{"price":"high"}')), options);
    expect(header(dead[0] as { headers?: Record<string, unknown> }, 'detail')).toBe('/price must be number');
  });

  it('forwards a producer id once: within the batch and when the window has seen it', () => {
    const withId = (id: string, offset: string) => message('{"price":1}', { offset, headers: { id: Buffer.from(id) } });
    const out = normalizeBatch(batch(withId('a', '1'), withId('a', '2'), withId('b', '3'), withId('c', '4')), {
      ...options,
      seen: (stream, id) => stream === 'trades' && id === 'c',
    });
    expect(out.valid.map((m) => JSON.parse(String(m.value)).id)).toEqual(['a', 'b']);
    expect(out.forwardedIds).toEqual(['a', 'b']);
    expect(out.duplicates).toBe(2);
  });

  it('forwards a producer id once across the partitions of one fetch, and reports each forwarded id with its stream', () => {
    const withId = (id: string, offset: string) => message('{"price":1}', { offset, headers: { id: Buffer.from(id) } });
    const out = normalizeFetch(
      [
        { topic: 'ingest.trades', partition: 0, messages: [withId('a', '1'), withId('b', '2')] },
        { topic: 'ingest.trades', partition: 1, messages: [withId('a', '5'), withId('c', '6')] },
        { topic: 'ingest.unknown', partition: 0, messages: [withId('a', '9')] },
      ],
      { ...options, streamOf: (topic) => (topic === 'ingest.trades' ? trades : undefined) },
    );
    expect(out.valid.map((m) => JSON.parse(String(m.value)).id)).toEqual(['a', 'b', 'c']);
    expect(out.forwarded).toEqual([{ stream: 'trades', id: 'a' }, { stream: 'trades', id: 'b' }, { stream: 'trades', id: 'c' }]);
    expect(out.duplicates).toBe(1);
    expect(out.dead.map((m) => String(m.headers?.reason))).toEqual(['UNKNOWN_STREAM']);
  });

  it('dead-letters records of a topic no stream owns as UNKNOWN_STREAM', () => {
    const { dead } = normalizeBatch(batch(message('{}')), { ...options, stream: undefined });
    expect(header(dead[0] as { headers?: Record<string, unknown> }, 'reason')).toBe('UNKNOWN_STREAM');
  });

  it('gives every input exactly one output, in order', () => {
    const messages = ['{"price":1}', 'nope', '{"price":2}'].map((v, i) => message(v, { offset: String(i) }));
    const { valid, dead } = normalizeBatch(batch(...messages), options);
    expect(valid.map((m) => JSON.parse(String(m.value)).data.price)).toEqual([1, 2]);
    expect(dead.map((m) => header(m as { headers?: Record<string, unknown> }, 'source-offset'))).toEqual(['1']);
  });
});
