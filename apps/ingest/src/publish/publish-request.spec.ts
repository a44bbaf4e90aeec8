import { compileStream, createSchemaCompiler } from '@streamgate/streams';
import { parsePublishBody } from './publish-request';

const stream = compileStream(
  { name: 'trades', schema: { type: 'object', required: ['price'], properties: { price: { type: 'number' } } }, source: { topic: 'ingest.trades' }, enrich: [], version: 1, updatedAt: '' },
  { ajv: createSchemaCompiler(), hashKey: '' },
);
const limits = { maxRecords: 3, maxRecordBytes: 64 };

describe('parsePublishBody', () => {
  it('accepts one record, keeping id, key and time, and names records without an id', () => {
    const one = parsePublishBody({ data: { price: 1 }, id: 'o-1', key: 'ACME', time: '2026-11-28T10:00:00Z' }, stream, limits);
    expect(one).toEqual({ ok: true, records: [{ id: 'o-1', key: 'ACME', time: '2026-11-28T10:00:00Z', data: { price: 1 }, value: '{"price":1}' }] });
    const batch = parsePublishBody({ records: [{ data: { price: 1 } }, { data: { price: 2 } }] }, stream, limits);
    expect(batch.ok && batch.records.map((r) => r.id)).toEqual([expect.stringMatching(/^http-[0-9a-f-]{36}$/), expect.stringMatching(/^http-/)]);
  });

  it('lists every bad record by index and reason, and accepts none of them', () => {
    const result = parsePublishBody(
      { records: [{ data: { price: 1 } }, { data: { price: 'x' } }, { data: { price: 1, pad: 'x'.repeat(100) } }] },
      stream,
      limits,
    );
    expect(result).toEqual({
      ok: false,
      status: 400,
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
    const result = parsePublishBody(record, stream, limits);
    expect(result.ok === false && result.problems?.[0]).toMatchObject({ index: 0, reason });
  });

  it('refuses more records than the limit with 413, and an empty or shapeless body with 400', () => {
    expect(parsePublishBody({ records: Array(4).fill({ data: { price: 1 } }) }, stream, limits)).toMatchObject({ ok: false, status: 413, code: 'TOO_MANY_RECORDS' });
    expect(parsePublishBody({ records: [] }, stream, limits)).toMatchObject({ ok: false, status: 400, code: 'INVALID_BODY' });
    expect(parsePublishBody('hello', stream, limits)).toMatchObject({ ok: false, status: 400, code: 'INVALID_BODY' });
  });
});
