import { EntitlementError } from './errors';
import { compilePolicy, grantsPublish, grantsSubscribe, policyKey, validateEntitlement } from './policy';

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

  it('masks a path through arrays in every element, nested arrays too (live, resume and replay all use this)', () => {
    const r = { data: { legs: [{ trader: 'T-SECRET', qty: 1 }, { trader: 'T-OTHER', qty: 2 }, [{ trader: 'T-NESTED' }]], desk: 'rates' }, meta: {} };
    const view = compilePolicy({ mask: ['data.legs.trader'] })(r);
    expect(view).toEqual({ data: { legs: [{ trader: '***', qty: 1 }, { trader: '***', qty: 2 }, [{ trader: '***' }]], desk: 'rates' }, meta: {} });
    expect(JSON.stringify(view)).not.toMatch(/T-(SECRET|OTHER|NESTED)/);
  });

  it('projects a path through arrays in every element', () => {
    const r = { data: { legs: [{ trader: 'x', qty: 1, px: 9 }, { qty: 2 }, 'stray'], desk: 'rates' }, meta: {} };
    expect(compilePolicy({ fields: ['data.legs.qty', 'data.legs.px'] })(r)).toEqual({ data: { legs: [{ qty: 1, px: 9 }, { qty: 2 }] }, meta: {} });
  });

  it('fails closed: an object or array on a mask path is replaced whole, a primitive where an object is expected is masked', () => {
    const r = { data: { trader: { name: 'alice', id: 7 }, legs: ['T-1', 'T-2'], book: 'flat', none: null }, meta: {} };
    expect(compilePolicy({ mask: ['data.trader', 'data.legs', 'data.book.pnl', 'data.none.x', 'data.absent.y'] })(r)).toEqual({
      data: { trader: '***', legs: '***', book: '***', none: '***' },
      meta: {},
    });
    expect(compilePolicy({ mask: ['data.legs.trader'] })(r)).toEqual({ data: { ...r.data, legs: ['***', '***'] }, meta: {} });
    // Projection leaves out what a path cannot reach (a primitive where an object is expected).
    expect(compilePolicy({ fields: ['data.book.pnl', 'data.legs.trader'] })(r)).toEqual({ data: { legs: [] }, meta: {} });
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

  it('accepts the publish and subscribe grants as booleans, keeping only the non-defaults', () => {
    expect(validateEntitlement({ publish: true, subscribe: false })).toEqual({ publish: true, subscribe: false });
    expect(validateEntitlement({ publish: false, subscribe: true, fields: ['data.a'] })).toEqual({ fields: ['data.a'] });
  });

  it('reads grants with their defaults: publish no, subscribe yes; no entitlement grants nothing', () => {
    expect([grantsPublish({}), grantsSubscribe({})]).toEqual([false, true]);
    expect([grantsPublish({ publish: true, subscribe: false }), grantsSubscribe({ publish: true, subscribe: false })]).toEqual([true, false]);
    expect([grantsPublish(undefined), grantsSubscribe(undefined)]).toEqual([false, false]);
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

  it.each([[{ fields: 'data.a' }], [{ mask: ['price'] }], [{ fields: ['data.__proto__'] }], [{ colour: 'red' }], ['x'], [{ publish: 'yes' }], [{ subscribe: 1 }], [{ publish: [true] }]])('refuses %j as INVALID_ENTITLEMENT', (input) => {
    expect(() => validateEntitlement(input)).toThrow(expect.objectContaining({ code: 'INVALID_ENTITLEMENT' }));
  });
});

describe('policyKey', () => {
  it('is the same for equal policies, whatever the order of paths', () => {
    expect(policyKey({ fields: ['data.a', 'data.b'], mask: ['data.c'] })).toBe(policyKey({ mask: ['data.c'], fields: ['data.b', 'data.a'] }));
    expect(policyKey({ filter: 'data.a > 1' })).not.toBe(policyKey({}));
  });

  it('ignores the grants: they do not change what is seen', () => {
    expect(policyKey({ publish: true, subscribe: false, fields: ['data.a'] })).toBe(policyKey({ fields: ['data.a'] }));
  });
});
