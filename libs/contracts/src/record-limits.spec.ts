import { checkRecordStructure } from './record-limits';
import type { RecordLimits } from './record-limits';

const limits: RecordLimits = { maxDepth: 4, maxFields: 3, maxArrayLength: 5 };
const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('checkRecordStructure', () => {
  it('accepts a record at every limit', () => {
    expect(checkRecordStructure({ a: [[{ b: 1 }]], c: [1, 2, 3, 4, 5], d: null }, limits)).toBeUndefined();
    expect(checkRecordStructure({}, limits)).toBeUndefined();
  });

  it('counts the top-level object as level 1 and names where the nesting goes too deep', () => {
    expect(checkRecordStructure({ a: { b: { c: {} } } }, limits)).toBeUndefined();
    expect(checkRecordStructure({ a: { b: { c: { d: {} } } } }, limits)).toEqual({ reason: 'TOO_DEEP', detail: 'nesting deeper than 4 levels at /a/b/c/d' });
    expect(checkRecordStructure({ x: 1, deep: [[[[1]]]] }, limits)).toEqual({ reason: 'TOO_DEEP', detail: 'nesting deeper than 4 levels at /deep/0/0/0' });
  });

  it('checks 1,000,000 levels without recursion, stopping at the limit', () => {
    expect(checkRecordStructure({ deep: nested(1_000_000) }, { ...limits, maxDepth: 64 })).toMatchObject({ reason: 'TOO_DEEP' });
  });

  it('refuses an object with too many fields and an array with too many elements, naming them', () => {
    expect(checkRecordStructure({ a: 1, b: 2, c: 3, d: 4 }, limits)).toEqual({ reason: 'TOO_MANY_FIELDS', detail: 'object at / has more than 3 fields' });
    expect(checkRecordStructure({ list: [{ 'a/b~': [1, 2, 3, 4, 5, 6] }] }, limits)).toEqual({
      reason: 'ARRAY_TOO_LONG',
      detail: 'array at /list/0/a~1b~0 has 6 elements, more than 5',
    });
  });

  it('refuses numbers JSON.parse could not represent (1e400 would be written as null)', () => {
    expect(checkRecordStructure(JSON.parse('{"a":[1,1e400]}'), limits)).toEqual({ reason: 'INVALID_JSON', detail: 'number out of range at /a/1' });
    expect(checkRecordStructure(JSON.parse('{"a":-1e999}'), limits)).toMatchObject({ reason: 'INVALID_JSON' });
    expect(checkRecordStructure(JSON.parse('{"a":1e308,"b":123456789012345678901234567890}'), limits)).toBeUndefined();
  });

  it('keeps the path in a detail short, however long the keys', () => {
    const key = 'k'.repeat(100_000);
    const problem = checkRecordStructure({ [key]: { [key]: { [key]: { [key]: { [key]: {} } } } } }, limits);
    expect(problem?.reason).toBe('TOO_DEEP');
    expect(problem!.detail.length).toBeLessThan(300);
  });
});
