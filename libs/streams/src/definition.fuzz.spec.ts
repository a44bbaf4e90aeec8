// Fuzz target (issue 13): whatever body reaches POST/PUT /v1/streams, the definition is
// accepted or refused with coded problems (400) — never another error, and in bounded time,
// JSON Schema patterns included (compiled linear-time).
import fc from 'fast-check';
import { fuzzTarget } from '@streamgate/testing';
import { DefinitionErrorCode, StreamDefinitionError, createSchemaCompiler, validateStreamDefinition } from './index';

const fuzz = fuzzTarget('stream definitions');
jest.setTimeout(Math.max(60_000, fuzz.runs * 10));

const CODES = new Set<string>(Object.values(DefinitionErrorCode));
const path = fc.array(fc.constantFrom('data', 'meta', 'a', 'b', '0', '*', '', '__proto__', 'x.y'), { minLength: 1, maxLength: 4 }).map((p) => p.join('.'));
const expr = fc.array(fc.constantFrom('data.a', 'meta.b', '+', '*', '"s"', '1', '(', ')', '==', 'contains', ' '), { maxLength: 30 }).map((p) => p.join(' '));
const pattern = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('^(a+)+$', '(?=a)', '(a)\\1', '[', '\\p{L}+', '^[a-z]{1,64}$', '(x|y|z)*$'));
const schema = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.record({ type: fc.constantFrom('object', 'string', 'number', 'integer', 'array', 'boolean', 'null', 'nope') }, { requiredKeys: [] }),
    fc.record({ type: fc.constant('string'), pattern, maxLength: fc.integer({ min: -1, max: 100 }) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('object'), properties: fc.dictionary(fc.string({ maxLength: 8 }), tie('node'), { maxKeys: 4 }), required: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }) }, { requiredKeys: [] }),
    fc.record({ $ref: fc.string({ maxLength: 20 }), $id: fc.string({ maxLength: 20 }) }, { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
})).node;
const step = fc.oneof(
  fc.record({ op: fc.constant('derive'), into: path, expr }, { requiredKeys: ['op'] }),
  fc.record({ op: fc.constant('redact'), paths: fc.array(path, { maxLength: 3 }), mode: fc.constantFrom('mask', 'hash', 'drop', 'x') }, { requiredKeys: ['op'] }),
  fc.record({ op: fc.constant('lookup'), table: fc.string({ maxLength: 10 }), key: path, into: path }, { requiredKeys: ['op'] }),
  fc.jsonValue({ maxDepth: 2 }),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record(
    {
      name: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.string({ maxLength: 30 })),
      schema,
      source: fc.oneof(fc.record({ topic: fc.string({ maxLength: 30 }) }), fc.jsonValue({ maxDepth: 1 })),
      enrich: fc.oneof(fc.array(step, { maxLength: 5 }), fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  ),
);

describe('stream definition fuzzing', () => {
  it('accepts or refuses with coded problems only, in bounded time', () => {
    const compiler = createSchemaCompiler();
    fc.assert(
      fc.property(body, (input) => {
        const started = performance.now();
        try {
          validateStreamDefinition(input, compiler);
        } catch (error) {
          if (!(error instanceof StreamDefinitionError)) throw error;
          expect(error.problems.length).toBeGreaterThan(0);
          for (const problem of error.problems) expect(CODES.has(problem.code)).toBe(true);
        }
        expect(performance.now() - started).toBeLessThan(500);
      }),
      fuzz.settings(Math.ceil(fuzz.runs / 2)),
    );
  });
});
