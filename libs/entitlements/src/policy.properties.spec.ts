import fc from 'fast-check';
import { MASKED_VALUE } from '@streamgate/contracts';
import type { JsonObject } from '@streamgate/contracts';
import type { RecordRoots } from '@streamgate/streams';
import { compilePolicy } from './policy';

// Properties of the one view function live, resume and replay all use (compilePolicy), over
// random records (nested objects and arrays, unicode, numbers) and random policies whose paths
// run through arrays, primitives and objects alike. Fixed seeds: a failure reproduces.

const KEYS = ['a', 'b', 'legs', 'trader', 'x_1', 'n-2'];
const RUNS = { numRuns: 1_000 };

const leaf = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const { value: jsonValue } = fc.letrec<{ value: unknown; object: JsonObject; array: unknown[] }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array')),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }) as fc.Arbitrary<JsonObject>,
  array: fc.array(tie('value'), { maxLength: 3 }),
}));
const objectOf = fc.dictionary(fc.constantFrom(...KEYS), jsonValue, { maxKeys: 4 }) as fc.Arbitrary<JsonObject>;
const record: fc.Arbitrary<RecordRoots> = fc.record({ data: objectOf, meta: objectOf });
const path = fc.tuple(fc.constantFrom('data', 'meta'), fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 4 })).map(([root, segments]) => [root, ...segments].join('.'));
const paths = fc.uniqueArray(path, { maxLength: 5 });

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The record with every value a mask path reaches replaced by a unique secret, following the
 * contract independently of the code under test: a segment applies to each array element; the
 * whole value at the end of a path is secret, leaves of objects and arrays included; a
 * primitive met where the path expects an object is secret too (fail closed).
 */
function plantSecrets(input: RecordRoots, masks: string[]): { record: RecordRoots; secrets: string[] } {
  const secrets: string[] = [];
  const secret = () => {
    const s = `SECRET§${secrets.length}§`;
    secrets.push(s);
    return s;
  };
  const everyLeaf = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(everyLeaf);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, everyLeaf(v)]));
    return secret();
  };
  const plant = (value: unknown, segments: string[]): unknown => {
    if (segments.length === 0) return everyLeaf(value);
    if (Array.isArray(value)) return value.map((v) => plant(v, segments));
    if (!isObject(value)) return secret();
    const [head, ...rest] = segments as [string, ...string[]];
    if (!Object.prototype.hasOwnProperty.call(value, head)) return value;
    return { ...value, [head]: plant(value[head], rest) };
  };
  let out: RecordRoots = structuredClone(input);
  for (const mask of masks) {
    const [root, ...segments] = mask.split('.') as ['data' | 'meta', ...string[]];
    out = { ...out, [root]: plant(out[root], segments) };
  }
  return { record: out, secrets };
}

/** The key paths (array indices skipped) of every leaf, empty object and empty array. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (Array.isArray(value)) return value.length === 0 ? [prefix] : value.flatMap((v) => leafPaths(v, prefix));
  if (isObject(value)) {
    const keys = Object.keys(value);
    return keys.length === 0 ? [prefix] : keys.flatMap((k) => leafPaths(value[k], [...prefix, k]));
  }
  return [prefix];
}

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};

describe('compilePolicy properties', () => {
  it('never lets a masked value into the serialized view, whatever the fields', () => {
    fc.assert(
      fc.property(record, paths, fc.option(paths, { nil: undefined }), (input, masks, fields) => {
        const { record: withSecrets, secrets } = plantSecrets(input, masks);
        const view = compilePolicy({ mask: masks, fields })(withSecrets);
        const bytes = JSON.stringify(view);
        for (const s of secrets) expect(bytes).not.toContain(s);
      }),
      { ...RUNS, seed: 0x5eed_0001 },
    );
  });

  it('keeps only the listed paths (each kept value lies on or under a listed path)', () => {
    fc.assert(
      fc.property(record, paths, paths, (input, fields, masks) => {
        const view = compilePolicy({ fields, mask: masks })(input) as RecordRoots;
        const listed = fields.map((f) => f.split('.'));
        for (const root of ['data', 'meta'] as const) {
          for (const p of leafPaths(view[root], [root])) {
            if (p.length === 1) continue; // the root object itself
            const onListed = listed.some((f) => f.length <= p.length ? f.every((s, i) => p[i] === s) : p.every((s, i) => f[i] === s));
            expect(onListed).toBe(true);
          }
        }
      }),
      { ...RUNS, seed: 0x5eed_0002 },
    );
  });

  it('keeps listed values that are not masked, unchanged', () => {
    fc.assert(
      fc.property(record, paths, (input, fields) => {
        const view = compilePolicy({ fields })(input) as RecordRoots;
        for (const field of fields) {
          const [root, key] = field.split('.') as ['data' | 'meta', string];
          // A single-segment path keeps the whole value as it was.
          if (field.split('.').length === 2 && Object.prototype.hasOwnProperty.call(input[root], key)) expect(view[root][key]).toEqual(input[root][key]);
        }
      }),
      { ...RUNS, seed: 0x5eed_0003 },
    );
  });

  it('never mutates its input (frozen records, shared by every group)', () => {
    fc.assert(
      fc.property(record, fc.option(paths, { nil: undefined }), paths, (input, fields, masks) => {
        const before = structuredClone(input);
        const frozen = deepFreeze(structuredClone(input));
        compilePolicy({ fields, mask: masks })(frozen);
        expect(frozen).toEqual(before);
      }),
      { ...RUNS, seed: 0x5eed_0004 },
    );
  });

  it('masks exactly what an independent reading of the contract masks, copying only what changes', () => {
    const reference = (value: unknown, segments: string[]): unknown => {
      if (segments.length === 0) return MASKED_VALUE;
      if (Array.isArray(value)) return value.map((v) => reference(v, segments));
      if (!isObject(value)) return MASKED_VALUE;
      const [head, ...rest] = segments as [string, ...string[]];
      return Object.prototype.hasOwnProperty.call(value, head) ? { ...value, [head]: reference(value[head], rest) } : value;
    };
    fc.assert(
      fc.property(record, paths, (input, masks) => {
        const view = compilePolicy({ mask: masks })(input) as RecordRoots;
        let expected: RecordRoots = input;
        for (const mask of masks) {
          const [root, ...segments] = mask.split('.') as ['data' | 'meta', ...string[]];
          expected = { ...expected, [root]: reference(expected[root], segments) };
        }
        expect(view).toEqual(expected);
        // A root no mask names is the record's own object: nothing was copied for it.
        for (const root of ['data', 'meta'] as const) if (!masks.some((m) => m.startsWith(`${root}.`))) expect(view[root]).toBe(input[root]);
      }),
      { ...RUNS, seed: 0x5eed_0005 },
    );
  });
});
