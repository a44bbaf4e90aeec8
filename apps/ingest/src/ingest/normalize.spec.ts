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
const options: NormalizeOptions = { stream: trades, maxRecordBytes: 1024, limits: { maxDepth: 8, maxFields: 16, maxArrayLength: 32 }, now: NOW, seen: () => false };

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
    ["a Kafka id in a partner's namespace", message('{"price":1}', { headers: { id: Buffer.from('ptn_0123456789abcdef:t-1') } }), 'BAD_HEADER'],
    ["a publisher's id outside its namespace", message('{"price":1}', { headers: { id: Buffer.from('ptn_b:t-1'), publisher: Buffer.from('ptn_a') } }), 'BAD_HEADER'],
    ['a publisher without an id', message('{"price":1}', { headers: { publisher: Buffer.from('ptn_a') } }), 'BAD_HEADER'],
    ['an empty id in the namespace', message('{"price":1}', { headers: { id: Buffer.from('ptn_a:'), publisher: Buffer.from('ptn_a') } }), 'BAD_HEADER'],
    ['a Kafka timestamp past any date, without a time header', message('{"price":1}', { timestamp: '99999999999999999' }), 'BAD_HEADER'],
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

  it("keeps publishers' ids apart: the same given id from two partners and an internal producer all go through", () => {
    const m = (id: string, offset: string, publisher?: string) =>
      message('{"price":1}', { offset, headers: { id: Buffer.from(id), ...(publisher ? { publisher: Buffer.from(publisher) } : {}) } });
    const out = normalizeBatch(batch(m('ptn_a:t-1001', '1', 'ptn_a'), m('ptn_b:t-1001', '2', 'ptn_b'), m('t-1001', '3'), m('ptn_a:t-1001', '4', 'ptn_a')), options);
    expect(out.valid.map((v) => JSON.parse(String(v.value)).id)).toEqual(['ptn_a:t-1001', 'ptn_b:t-1001', 't-1001']);
    expect(out.forwardedIds).toEqual(['ptn_a:t-1001', 'ptn_b:t-1001', 't-1001']);
    expect(out.duplicates).toBe(1);
    // The window holds namespaced ids: partner a's t-1001 does not make anyone else's a duplicate.
    const later = normalizeBatch(batch(m('ptn_b:t-1001', '5', 'ptn_b'), m('t-1001', '6')), { ...options, seen: (_s, id) => id === 'ptn_a:t-1001' });
    expect(later.valid).toHaveLength(2);
  });

  it("counts a publisher's id length without its namespace", () => {
    const long = `ptn_a:${'x'.repeat(256)}`;
    const ok = normalizeBatch(batch(message('{"price":1}', { headers: { id: Buffer.from(long), publisher: Buffer.from('ptn_a') } })), options);
    expect(ok.valid).toHaveLength(1);
    const tooLong = normalizeBatch(batch(message('{"price":1}', { headers: { id: Buffer.from(`${long}x`), publisher: Buffer.from('ptn_a') } })), options);
    expect(tooLong.dead).toHaveLength(1);
  });

  it('forwards a producer id once across the partitions of one fetch, and reports each forwarded id with its stream', () => {
    const withId = (id: string, offset: string) => message('{"price":1}', { offset, headers: { id: Buffer.from(id) } });
    const outs = normalizeFetch(
      [
        { topic: 'ingest.trades', partition: 0, messages: [withId('a', '1'), withId('b', '2')] },
        { topic: 'ingest.trades', partition: 1, messages: [withId('a', '5'), withId('c', '6')] },
        { topic: 'ingest.unknown', partition: 0, messages: [withId('a', '9')] },
      ],
      { ...options, streamOf: (topic) => (topic === 'ingest.trades' ? trades : undefined) },
    );
    // One output per batch, in order: each goes in its own partition's transaction.
    expect(outs.map((o) => o.valid.map((m) => JSON.parse(String(m.value)).id))).toEqual([['a', 'b'], ['c'], []]);
    expect(outs.flatMap((o) => o.forwarded)).toEqual([{ stream: 'trades', id: 'a' }, { stream: 'trades', id: 'b' }, { stream: 'trades', id: 'c' }]);
    expect(outs.map((o) => o.duplicates)).toEqual([0, 1, 0]);
    expect(outs.map((o) => o.dead.map((m) => String(m.headers?.reason)))).toEqual([[], [], ['UNKNOWN_STREAM']]);
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

  describe('structural limits and contained failures (issue 13)', () => {
    const deep = (levels: number) => `{"deep":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    const big = { ...options, maxRecordBytes: 1024 * 1024 };

    it.each([
      ['5,000 levels of nesting', deep(5_000), 'TOO_DEEP', 'nesting deeper than 8 levels at /deep/0/0/0/0/0/0/0'],
      ['an object with too many fields', JSON.stringify(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, i]))), 'TOO_MANY_FIELDS', 'object at / has more than 16 fields'],
      ['an array with too many elements', JSON.stringify({ price: 1, list: Array(33).fill(0) }), 'ARRAY_TOO_LONG', 'array at /list has 33 elements, more than 32'],
      ['a number JSON cannot carry', '{"price":1e400}', 'INVALID_JSON', 'number out of range at /price'],
    ])('dead-letters %s as %s before the schema or serializing runs, and goes on with the batch', (_what, value, reason, detail) => {
      const out = normalizeBatch(batch(message(value, { offset: '1' }), message('{"price":2}', { offset: '2' })), big);
      expect(out.dead.map((m) => [header(m as { headers?: Record<string, unknown> }, 'reason'), header(m as { headers?: Record<string, unknown> }, 'detail')])).toEqual([[reason, detail]]);
      expect(out.valid.map((m) => JSON.parse(String(m.value)).data)).toEqual([{ price: 2 }]);
    });

    it('contains an unexpected error of any step to its record, naming the step', () => {
      const throwing = { ...trades, validate: (data: unknown) => {
        if ((data as { price?: number }).price === 13) throw new TypeError('schema engine bug');
        return undefined;
      } };
      const out = normalizeBatch(batch(message('{"price":13}', { offset: '1' }), message('{"price":14}', { offset: '2' })), { ...options, stream: throwing });
      expect(out.dead.map((m) => header(m as { headers?: Record<string, unknown> }, 'detail'))).toEqual(['validate: TypeError: schema engine bug']);
      expect(header(out.dead[0] as { headers?: Record<string, unknown> }, 'reason')).toBe('PROCESSING_FAILED');
      expect(out.valid).toHaveLength(1);
      const routed = normalizeBatch(batch(message('{"price":1}', { headers: { id: Buffer.from('x') } })), { ...options, seen: () => { throw new Error('window bug'); } });
      expect(routed.dead.map((m) => header(m as { headers?: Record<string, unknown> }, 'detail'))).toEqual(['route: Error: window bug']);
    });
  });
});
