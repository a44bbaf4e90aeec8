import { EntitlementError } from './errors';
import { compilePolicy, policyKey, validateEntitlement } from './policy';

const record = () => ({
  data: { symbol: 'ACME', price: 120, region: 'eu', trader: 'alice', book: { desk: 'rates', pnl: 42 } },
  meta: { enrichedAt: '2026-11-28T12:00:00Z', tier: 'gold' },
});

describe('compilePolicy', () => {
  it('passes the whole record when the policy is empty', () => {
    const r = record();
    expect(compilePolicy({})(r)).toEqual(r);
  });

  it('applies the row filter to the full record, before projection', () => {
    const policy = compilePolicy({ filter: 'data.region == "eu" && meta.tier == "gold"', fields: ['data.symbol'] });
    expect(policy(record())).toEqual({ data: { symbol: 'ACME' }, meta: {} });
    expect(policy({ ...record(), data: { ...record().data, region: 'us' } })).toBeUndefined();
  });

  it('projects to the listed paths only, on both roots', () => {
    expect(compilePolicy({ fields: ['data.price', 'data.book.desk', 'meta.enrichedAt', 'data.absent'] })(record())).toEqual({
      data: { price: 120, book: { desk: 'rates' } },
      meta: { enrichedAt: '2026-11-28T12:00:00Z' },
    });
  });

  it('masks values, keeping their keys, and only where present', () => {
    expect(compilePolicy({ mask: ['data.trader', 'data.book.pnl', 'data.nothing'] })(record())).toEqual({
      data: { symbol: 'ACME', price: 120, region: 'eu', trader: '***', book: { desk: 'rates', pnl: '***' } },
      meta: { enrichedAt: '2026-11-28T12:00:00Z', tier: 'gold' },
    });
  });

  it('never mutates the record other groups still deliver', () => {
    const r = record();
    const snapshot = JSON.parse(JSON.stringify(r));
    compilePolicy({ mask: ['data.book.pnl', 'meta.tier'] })(r);
    compilePolicy({ fields: ['data.book'], mask: ['data.book.desk'] })(r);
    expect(r).toEqual(snapshot);
  });
});

describe('validateEntitlement', () => {
  it('normalizes fields and mask', () => {
    expect(validateEntitlement({ fields: ['data.a', 'data.a'], mask: ['data.b'], filter: 'data.a > 1' })).toEqual({ fields: ['data.a'], mask: ['data.b'], filter: 'data.a > 1' });
    expect(validateEntitlement({})).toEqual({});
  });

  it('refuses a bad filter with INVALID_FILTER and the position', () => {
    const error = (() => {
      try {
        validateEntitlement({ filter: 'data.price >> 3' });
      } catch (e) {
        return e as EntitlementError;
      }
    })();
    expect(error).toBeInstanceOf(EntitlementError);
    expect(error?.code).toBe('INVALID_FILTER');
    expect(error?.position).toBe(12);
  });

  it.each([[{ fields: 'data.a' }], [{ mask: ['price'] }], [{ fields: ['data.__proto__'] }], [{ colour: 'red' }], ['x']])('refuses %j as INVALID_ENTITLEMENT', (input) => {
    expect(() => validateEntitlement(input)).toThrow(expect.objectContaining({ code: 'INVALID_ENTITLEMENT' }));
  });
});

describe('policyKey', () => {
  it('is the same for equal policies, whatever the order of paths', () => {
    expect(policyKey({ fields: ['data.a', 'data.b'], mask: ['data.c'] })).toBe(policyKey({ mask: ['data.c'], fields: ['data.b', 'data.a'] }));
    expect(policyKey({ filter: 'data.a > 1' })).not.toBe(policyKey({}));
  });
});
