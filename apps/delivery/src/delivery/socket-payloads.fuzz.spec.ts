// Fuzz target (issue 13): whatever a client sends as a `subscribe`, `replay` or `unsubscribe`
// payload, delivery answers with a coded SubscriptionException or a well-formed request —
// never another error, and in bounded time.
import fc from 'fast-check';
import { fuzzTarget } from '@streamgate/testing';
import { compileSubscriberFilter, parseReplay, parseSubscribe } from './subscription-requests';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

const fuzz = fuzzTarget('socket payloads');
jest.setTimeout(Math.max(60_000, fuzz.runs * 5));

const CODES = new Set<string>(Object.values(SubscriptionErrorCode));

/** Plausible payloads: the contract's keys with values of any JSON type, and filters of operator soup. */
const filterText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.constantFrom('data.', 'meta.', 'x', '>', '==', '"', '(', ')', '&&', '||', 'contains', '1e308', '[', ']', ' ', 'in', '\\u0000'), { maxLength: 60 }).map((parts) => parts.join('')),
);
const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.record(
    {
      stream: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 2 })),
      filter: fc.oneof(filterText, fc.jsonValue({ maxDepth: 2 })),
      batch: fc.jsonValue({ maxDepth: 1 }),
      since: fc.oneof(
        fc.dictionary(fc.oneof(fc.nat(64).map(String), fc.string({ maxLength: 5 })), fc.oneof(fc.integer({ min: -5, max: 1e9 }), fc.double(), fc.jsonValue({ maxDepth: 1 }))),
        fc.record({ time: fc.oneof(fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())), fc.jsonValue({ maxDepth: 1 })) }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      from: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.jsonValue({ maxDepth: 1 })),
      to: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  ),
);

function onlyCodedErrors(parse: (input: unknown) => unknown, input: unknown): void {
  const started = performance.now();
  try {
    parse(input);
  } catch (error) {
    if (!(error instanceof SubscriptionException) || !CODES.has(error.code)) throw error;
    expect(typeof error.toBody().message).toBe('string');
  }
  // A generous bound for a single parse (filters are cost-checked at compile time).
  expect(performance.now() - started).toBeLessThan(250);
}

describe('socket payload fuzzing', () => {
  // Parsing, then compiling the filter as the services do once the limits allow it.
  const subscribe = (input: unknown) => {
    const request = parseSubscribe(input);
    if (request.filter !== undefined) compileSubscriberFilter(request.filter);
  };
  const replay = (input: unknown) => {
    const request = parseReplay(input);
    if (request.filter !== undefined) compileSubscriberFilter(request.filter);
  };

  it('subscribe: only coded errors, bounded time', () => {
    fc.assert(fc.property(payload, (input) => onlyCodedErrors(subscribe, input)), fuzz.settings());
  });

  it('replay: only coded errors, bounded time', () => {
    fc.assert(fc.property(payload, (input) => onlyCodedErrors(replay, input)), fuzz.settings());
  });

  it('a parsed subscribe is well-formed', () => {
    fc.assert(
      fc.property(payload, (input) => {
        try {
          const request = parseSubscribe(input);
          expect(typeof request.stream).toBe('string');
          expect(typeof request.batch).toBe('boolean');
          if (request.filter !== undefined) expect(typeof request.filter).toBe('string');
        } catch (error) {
          if (!(error instanceof SubscriptionException)) throw error;
        }
      }),
      fuzz.settings(),
    );
  });
});
