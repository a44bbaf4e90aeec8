import type { StreamDefinition } from '@streamgate/contracts';
import type { KafkaMessage } from '@streamgate/kafka';
import { compileStream, createSchemaCompiler } from '@streamgate/streams';
import { enrichBatch } from './enrich';
import type { EnrichContext } from './enrich';

const NOW = '2026-11-28T12:00:00.000Z';
const LIMITS = { maxDepth: 8, maxFields: 16, maxArrayLength: 32 };
const envelope = {
  id: 'x-1',
  stream: 'trades',
  key: 'ACME',
  time: '2026-11-28T11:59:00.000Z',
  ingestedAt: '2026-11-28T11:59:00.100Z',
  data: { symbol: 'ACME', price: 2, qty: 3 },
  meta: { source: 'desk-7' },
};

const definition = (enrich: StreamDefinition['enrich']): StreamDefinition => ({ name: 'trades', source: { topic: 'ingest.trades' }, enrich, version: 1, updatedAt: NOW });
const context = (enrich: StreamDefinition['enrich']): EnrichContext => {
  const compiled = compileStream(definition(enrich), { ajv: createSchemaCompiler(), hashKey: 'k' });
  return { stream: (name) => (name === 'trades' ? compiled : undefined), lookup: (table, key) => (table === 'instruments' && key === 'ACME' ? { venue: 'XNAS' } : undefined), now: NOW, limits: LIMITS };
};
const message = (value: string, offset = '0'): KafkaMessage =>
  ({ key: Buffer.from('trades/ACME'), value: Buffer.from(value), offset, timestamp: '0', attributes: 0, headers: { stream: Buffer.from('trades') } }) as KafkaMessage;
const run = (enrich: StreamDefinition['enrich'], value = JSON.stringify(envelope)) =>
  enrichBatch({ topic: 'records.validated', partition: 4, messages: [message(value, '9')] }, context(enrich));

describe('enrichBatch', () => {
  it('runs the steps, stamps meta.enrichedAt, keeps the key', () => {
    const { enriched, dead } = run([
      { op: 'lookup', table: 'instruments', key: 'data.symbol', into: 'meta.instrument' },
      { op: 'derive', into: 'data.notional', expr: 'data.price * data.qty' },
    ]);
    expect(dead).toHaveLength(0);
    expect(enriched[0]?.key).toEqual(Buffer.from('trades/ACME'));
    expect(JSON.parse(String(enriched[0]?.value))).toEqual({
      ...envelope,
      data: { ...envelope.data, notional: 6 },
      meta: { source: 'desk-7', instrument: { venue: 'XNAS' }, enrichedAt: NOW },
    });
  });

  it('dead-letters a record whose step fails with onError dlq, naming the step', () => {
    const { enriched, dead } = run([{ op: 'lookup', table: 'instruments', key: 'data.missing', into: 'meta.i', onError: 'dlq' }]);
    expect(enriched).toHaveLength(0);
    expect(String(dead[0]?.headers?.reason)).toBe('ENRICHMENT_FAILED');
    expect(String(dead[0]?.headers?.detail)).toMatch(/^step 0 \(lookup\)/);
    expect(String(dead[0]?.headers?.['source-offset'])).toBe('9');
  });

  it('dead-letters records of a stream that is no longer defined as UNKNOWN_STREAM', () => {
    const { dead } = run([], JSON.stringify({ ...envelope, stream: 'gone' }));
    expect(String(dead[0]?.headers?.reason)).toBe('UNKNOWN_STREAM');
    expect(String(dead[0]?.headers?.stream)).toBe('gone');
  });

  it('dead-letters what is not an envelope as BAD_ENVELOPE, with its coordinates', () => {
    const { enriched, dead } = enrichBatch(
      { topic: 'records.validated', partition: 4, messages: [message('{"id":1}', '9'), message('garbage', '10')] },
      context([]),
    );
    expect(enriched).toHaveLength(0);
    expect(dead.map((d) => [String(d.headers?.reason), String(d.headers?.['source-partition']), String(d.headers?.['source-offset'])])).toEqual([
      ['BAD_ENVELOPE', '4', '9'],
      ['BAD_ENVELOPE', '4', '10'],
    ]);
    expect(String(dead[0]?.headers?.stream)).toBe('trades');
  });

  it('dead-letters an Envelope over a structural limit before any step runs, and goes on with the batch', () => {
    const deep = `{"id":"d-1","stream":"trades","key":"ACME","time":"${NOW}","ingestedAt":"${NOW}","data":{"d":${'['.repeat(5_000)}${']'.repeat(5_000)}},"meta":{}}`;
    const wideMeta = JSON.stringify({ ...envelope, meta: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`m${i}`, i])) });
    const { enriched, dead } = enrichBatch(
      { topic: 'records.validated', partition: 4, messages: [message(deep, '1'), message(wideMeta, '2'), message(JSON.stringify(envelope), '3')] },
      context([{ op: 'redact', paths: ['data.d'], mode: 'hash' }]),
    );
    expect(dead.map((d) => [String(d.headers?.reason), String(d.headers?.detail), String(d.headers?.['source-offset'])])).toEqual([
      ['TOO_DEEP', 'nesting deeper than 8 levels at /d/0/0/0/0/0/0/0', '1'],
      ['TOO_MANY_FIELDS', 'object at / has more than 16 fields', '2'],
    ]);
    expect(enriched).toHaveLength(1);
  });

  it('contains an unexpected error of a step to its record (PROCESSING_FAILED, naming the stage)', () => {
    const failing: EnrichContext = {
      ...context([{ op: 'lookup', table: 'instruments', key: 'data.symbol', into: 'meta.instrument', onError: 'skip' }]),
      lookup: (_table, key) => {
        if (key === 'BOOM') throw new RangeError('Maximum call stack size exceeded');
        return { venue: 'XNAS' };
      },
    };
    const boom = JSON.stringify({ ...envelope, data: { ...envelope.data, symbol: 'BOOM' } });
    const { enriched, dead } = enrichBatch({ topic: 'records.validated', partition: 4, messages: [message(boom, '1'), message(JSON.stringify(envelope), '2')] }, failing);
    expect(dead.map((d) => [String(d.headers?.reason), String(d.headers?.detail), String(d.headers?.stream)])).toEqual([
      ['PROCESSING_FAILED', 'enrich: RangeError: Maximum call stack size exceeded', 'trades'],
    ]);
    expect(enriched.map((m) => JSON.parse(String(m.value)).meta.instrument)).toEqual([{ venue: 'XNAS' }]);
  });
});
