import { compileStream, createSchemaCompiler } from '@streamgate/streams';
import { parsePublishBody } from './publish-request';

const stream = compileStream(
  { name: 'trades', schema: { type: 'object', required: ['price'], properties: { price: { type: 'number' } } }, source: { topic: 'ingest.trades' }, enrich: [], version: 1, updatedAt: '' },
  { ajv: createSchemaCompiler(), hashKey: '' },
);
const limits = { maxRecords: 3, maxRecordBytes: 64, structure: { maxDepth: 4, maxFields: 8, maxArrayLength: 8 } };

describe('parsePublishBody', () => {
  it('accepts one record, keeping id, key and time, and names records without an id', () => {
    const one = parsePublishBody({ data: { price: 1 }, id: 'o-1', key: 'ACME', time: '2026-11-28T10:00:00Z' }, stream, limits, 'ptn_a');
    expect(one).toEqual({ ok: true, records: [{ id: 'ptn_a:o-1', key: 'ACME', time: '2026-11-28T10:00:00Z', data: { price: 1 }, value: '{"price":1}' }] });
    const batch = parsePublishBody({ records: [{ data: { price: 1 } }, { data: { price: 2 } }] }, stream, limits, 'ptn_a');
    expect(batch.ok && batch.records.map((r) => r.id)).toEqual([expect.stringMatching(/^ptn_a:[0-9a-f-]{36}$/), expect.stringMatching(/^ptn_a:/)]);
  });

  it("puts every id in the publisher's namespace, so two partners' equal ids differ", () => {
    const ids = (publisher: string) => {
      const parsed = parsePublishBody({ data: { price: 1 }, id: 't-1001' }, stream, limits, publisher);
      return parsed.ok ? parsed.records[0]?.id : undefined;
    };
    expect(ids('ptn_a')).toBe('ptn_a:t-1001');
    expect(ids('ptn_b')).toBe('ptn_b:t-1001');
    // A given id that looks like another partner's still lands in the publisher's own namespace.
    const forged = parsePublishBody({ data: { price: 1 }, id: 'ptn_b:t-1001' }, stream, limits, 'ptn_a');
    expect(forged.ok && forged.records[0]?.id).toBe('ptn_a:ptn_b:t-1001');
  });

  it('lists every bad record by index and reason, and accepts none of them', () => {
    const result = parsePublishBody(
      { records: [{ data: { price: 1 } }, { data: { price: 'x' } }, { data: { price: 1, pad: 'x'.repeat(100) } }] },
      stream,
      limits,
      'ptn_a',
    );
    expect(result).toEqual({
      ok: false,
      code: 'INVALID_RECORDS',
      message: '2 of 3 records are invalid; nothing was published',
      problems: [
        { index: 1, reason: 'SCHEMA_VIOLATION', detail: '/price must be number' },
        { index: 2, reason: 'TOO_LARGE', detail: expect.stringMatching(/limit is 64/) },
      ],
    });
  });

  it.each([
    ['data that is not an object', { data: [1] }, 'INVALID_RECORD'],
    ['an unknown field', { data: { price: 1 }, colour: 'red' }, 'INVALID_RECORD'],
    ['an empty id', { data: { price: 1 }, id: '' }, 'BAD_HEADER'],
    ['a numeric key', { data: { price: 1 }, key: 7 }, 'INVALID_RECORD'],
    ['a bad time', { data: { price: 1 }, time: 'tomorrow' }, 'BAD_HEADER'],
  ])('refuses %s as %s', (_what, record, reason) => {
    const result = parsePublishBody(record, stream, limits, 'ptn_a');
    expect(result.ok === false && result.problems?.[0]).toMatchObject({ index: 0, reason });
  });

  it('refuses more records than the limit with 413, and an empty or shapeless body with 400', () => {
    expect(parsePublishBody({ records: Array(4).fill({ data: { price: 1 } }) }, stream, limits, 'ptn_a')).toMatchObject({ ok: false, code: 'TOO_MANY_RECORDS' });
    expect(parsePublishBody({ records: [] }, stream, limits, 'ptn_a')).toMatchObject({ ok: false, code: 'INVALID_BODY' });
    expect(parsePublishBody('hello', stream, limits, 'ptn_a')).toMatchObject({ ok: false, code: 'INVALID_BODY' });
  });

  it('refuses a record over a structural limit with that limit\'s code before any other check, listing every such record', () => {
    const deep = JSON.parse(`{"d":${'['.repeat(5_000)}${']'.repeat(5_000)}}`) as Record<string, unknown>;
    const result = parsePublishBody({ records: [{ data: { price: 'x' } }, { data: deep }, { data: { list: Array(9).fill(0) } }] }, stream, limits, 'ptn_a');
    expect(result).toEqual({
      ok: false,
      code: 'TOO_DEEP',
      message: '2 of 3 records break a structural limit; nothing was published',
      problems: [
        { index: 1, reason: 'TOO_DEEP', detail: 'nesting deeper than 4 levels at /d/0/0/0' },
        { index: 2, reason: 'ARRAY_TOO_LONG', detail: 'array at /list has 9 elements, more than 8' },
      ],
    });
    const wide = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, i]));
    expect(parsePublishBody({ data: wide }, stream, limits, 'ptn_a')).toMatchObject({ ok: false, code: 'TOO_MANY_FIELDS', problems: [{ index: 0, reason: 'TOO_MANY_FIELDS' }] });
  });

  it('refuses a number JSON cannot carry (1e400 parses to Infinity) as a bad record', () => {
    const result = parsePublishBody(JSON.parse('{"data":{"price":1e400}}'), stream, limits, 'ptn_a');
    expect(result).toMatchObject({ ok: false, code: 'INVALID_RECORDS', problems: [{ index: 0, reason: 'INVALID_RECORD', detail: 'number out of range at /price' }] });
  });
});
