// Fuzz target (issue 13): whatever reaches POST/PUT /v1/plans and the report queries, metering
// answers with a plan / query or a coded DomainException (400) — never another error.
import fc from 'fast-check';
import { DomainException, ErrorCode } from '@streamgate/contracts';
import { fuzzTarget } from '@streamgate/testing';
import { parseUsageQuery } from '../reports/usage-query';
import { parsePlan } from './plans.service';

const fuzz = fuzzTarget('finance bodies');
jest.setTimeout(Math.max(60_000, fuzz.runs * 5));

const CODES = new Set<string>(Object.values(ErrorCode));
const decimalish = fc.oneof(fc.stringMatching(/^-?\d{0,20}(\.\d{0,4})?$/), fc.constantFrom('1e3', 'NaN', 'Infinity', '0x10', ' 1', '1.', '.5', '99999999999999999999999.99'), fc.jsonValue({ maxDepth: 1 }));
const count = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0), fc.jsonValue({ maxDepth: 1 }));
const plan = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      id: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/), fc.string({ maxLength: 40 })),
      name: fc.string({ maxLength: 40 }),
      currency: fc.oneof(fc.constantFrom('USD', 'EUR', 'usd', ''), fc.string({ maxLength: 5 })),
      pricePerMillionRecords: decimalish,
      pricePerGb: decimalish,
      includedRecords: count,
      monthlyMinimumCents: count,
      softLimitRecords: count,
      hardLimitRecords: count,
      maxConnections: count,
      replayRecordsPerSecond: count,
    },
    { requiredKeys: [] },
  ),
);
const query = fc.dictionary(
  fc.constantFrom('partner', 'stream', 'from', 'to', 'granularity', 'period', 'format', 'x'),
  fc.oneof(fc.string({ maxLength: 30 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('hour', 'day', 'month', 'week', '2026-13', '2026-12'), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })),
);

function onlyCoded(work: () => unknown): void {
  try {
    work();
  } catch (error) {
    if (!(error instanceof DomainException) || !CODES.has(error.code)) throw error;
  }
}

describe('finance body fuzzing', () => {
  it('plans: a plan or a coded refusal', () => {
    fc.assert(fc.property(plan, (body) => onlyCoded(() => parsePlan(body))), fuzz.settings());
  });

  it('usage queries: a query or a coded refusal', () => {
    fc.assert(fc.property(query, (q) => onlyCoded(() => parseUsageQuery(q))), fuzz.settings());
  });
});
