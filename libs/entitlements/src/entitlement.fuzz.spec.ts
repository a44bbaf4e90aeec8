// Fuzz target (issue 13): whatever body reaches PUT /v1/partners/:id/entitlements/:stream, it
// is normalized or refused with a coded EntitlementError (400) — never another error — and an
// accepted policy compiles and runs over any record without throwing.
import fc from 'fast-check';
import { fuzzTarget } from '@streamgate/testing';
import { EntitlementError, EntitlementErrorCode, compilePolicy, validateEntitlement } from './index';

const fuzz = fuzzTarget('entitlements');
jest.setTimeout(Math.max(60_000, fuzz.runs * 5));

const CODES = new Set<string>(Object.values(EntitlementErrorCode));
const path = fc.array(fc.constantFrom('data', 'meta', 'a', 'b', 'c', '0', '', '__proto__', 'constructor'), { minLength: 1, maxLength: 4 }).map((p) => p.join('.'));
const filter = fc.array(fc.constantFrom('data.a', 'meta.b', '>', '1', '"x"', '==', '&&', '(', ')', 'contains', ' ', 'in', '[', ']', ','), { maxLength: 25 }).map((p) => p.join(' '));
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      publish: fc.jsonValue({ maxDepth: 1 }),
      subscribe: fc.jsonValue({ maxDepth: 1 }),
      fields: fc.oneof(fc.array(path, { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })),
      mask: fc.oneof(fc.array(path, { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })),
      filter: fc.oneof(filter, fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  ),
);
const record = fc.record({ data: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.jsonValue({ maxDepth: 3 })), meta: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.jsonValue({ maxDepth: 3 })) });

describe('entitlement body fuzzing', () => {
  it('normalizes or refuses with a coded error; an accepted policy runs over any record', () => {
    fc.assert(
      fc.property(body, record, (input, sample) => {
        let policy;
        try {
          policy = validateEntitlement(input);
        } catch (error) {
          if (!(error instanceof EntitlementError) || !CODES.has(error.code)) throw error;
          return;
        }
        compilePolicy(policy)(sample as Parameters<ReturnType<typeof compilePolicy>>[0]);
      }),
      fuzz.settings(),
    );
  });
});
