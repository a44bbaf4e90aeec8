import type { EntitlementPolicy, QuotaState } from '@streamgate/contracts';
import { policyKey } from '@streamgate/entitlements';
import type { AccessDirectory } from '../access/access-directory.service';
import type { Principal } from '../access/socket-authenticator.service';
import { AccessGate, revokeReasonOf } from './access-gate';
import type { Verdict } from './access-gate';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

/** What the gate reads of the replicated control topics, as plain maps. */
function directory() {
  const streams = new Set(['trades', 'quotes']);
  const policies = new Map<string, Record<string, EntitlementPolicy>>();
  const quotas = new Map<string, QuotaState>();
  const access = {
    hasStream: (stream: string) => streams.has(stream),
    policy: (partnerId: string, stream: string) => policies.get(partnerId)?.[stream],
    quota: (partnerId: string) => quotas.get(partnerId),
  } as unknown as AccessDirectory;
  return { access, streams, policies, quotas };
}

const apiKey: Principal = { partnerId: 'p1', keyId: 'k1' };
const token = (streams: string[]): Principal => ({ ...apiKey, token: { streams, expiresAt: new Date('2030-01-01T00:00:00Z') } });
const quota = (state: QuotaState['state']): QuotaState => ({ state, period: '2026-11', used: 10, limit: 10 });
const keyOf = (verdict: Verdict) => (verdict.ok ? verdict.key : undefined);
const record = { stream: 'trades', data: { price: 10, trader: 'alice' }, meta: {} };

describe('AccessGate.check', () => {
  it('grants an entitled stream with its policy and policy key', () => {
    const { access, policies } = directory();
    const policy = { mask: ['data.trader'] };
    policies.set('p1', { trades: policy });
    expect(new AccessGate(access).check(apiKey, 'trades')).toEqual({ ok: true, policy, key: policyKey(policy) });
  });

  it('refuses a stream the catalog does not hold with UNKNOWN_STREAM, whatever the entitlements say', () => {
    const { access, policies, streams } = directory();
    policies.set('p1', { trades: {} });
    streams.delete('trades');
    expect(new AccessGate(access).check(apiKey, 'trades')).toMatchObject({ ok: false, code: SubscriptionErrorCode.UnknownStream });
  });

  it.each<[string, Record<string, EntitlementPolicy> | undefined, Principal]>([
    ['no entitlements at all', undefined, apiKey],
    ['no policy for the stream', { quotes: {} }, apiKey],
    ['a policy with subscribe: false', { trades: { publish: true, subscribe: false } }, apiKey],
    ['a token that does not grant the stream', { trades: {} }, token(['quotes'])],
  ])('refuses NOT_ENTITLED for %s', (_case, streams, principal) => {
    const { access, policies } = directory();
    if (streams) policies.set('p1', streams);
    expect(new AccessGate(access).check(principal, 'trades')).toMatchObject({ ok: false, code: SubscriptionErrorCode.NotEntitled });
  });

  it('grants a token socket the streams its token names', () => {
    const { access, policies } = directory();
    policies.set('p1', { trades: {} });
    expect(new AccessGate(access).check(token(['trades']), 'trades').ok).toBe(true);
  });

  it('refuses QUOTA_EXCEEDED past the hard limit, and lets a soft one through', () => {
    const { access, policies, quotas } = directory();
    policies.set('p1', { trades: {} });
    const gate = new AccessGate(access);
    quotas.set('p1', quota('soft'));
    expect(gate.check(apiKey, 'trades').ok).toBe(true);
    quotas.set('p1', quota('hard'));
    expect(gate.check(apiKey, 'trades')).toMatchObject({ ok: false, code: SubscriptionErrorCode.QuotaExceeded });
  });

  it('asks the directory every time: a change applies to the next check', () => {
    const { access, policies } = directory();
    const gate = new AccessGate(access);
    policies.set('p1', { trades: {} });
    expect(gate.check(apiKey, 'trades').ok).toBe(true);
    policies.set('p1', {});
    expect(gate.check(apiKey, 'trades').ok).toBe(false);
  });

  it('gives equal views one key: the publish/subscribe grants are not part of it', () => {
    const { access, policies } = directory();
    const gate = new AccessGate(access);
    policies.set('p1', { trades: { mask: ['data.trader'] } });
    const before = keyOf(gate.check(apiKey, 'trades'));
    policies.set('p1', { trades: { mask: ['data.trader'], publish: true } });
    const after = keyOf(gate.check(apiKey, 'trades'));
    policies.set('p1', { trades: { mask: ['data.price'] } });
    const narrowed = keyOf(gate.check(apiKey, 'trades'));
    expect(before).toEqual(expect.any(String));
    expect(after).toBe(before);
    expect(narrowed).not.toBe(before);
  });
});

describe('AccessGate.require', () => {
  it('returns the granted policy and key', () => {
    const { access, policies } = directory();
    policies.set('p1', { trades: { fields: ['data.price'] } });
    expect(new AccessGate(access).require(apiKey, 'trades')).toMatchObject({ policy: { fields: ['data.price'] }, key: policyKey({ fields: ['data.price'] }) });
  });

  it('throws the refusal as a coded SubscriptionException', () => {
    const { access } = directory();
    const gate = new AccessGate(access);
    expect(() => gate.require(apiKey, 'nope')).toThrow(expect.objectContaining({ code: SubscriptionErrorCode.UnknownStream }));
    expect(() => gate.require(apiKey, 'trades')).toThrow(SubscriptionException);
    expect(() => gate.require(apiKey, 'trades')).toThrow(expect.objectContaining({ code: SubscriptionErrorCode.NotEntitled, message: 'not entitled to trades' }));
  });
});

describe('AccessGate.view', () => {
  it('compiles the policy into the entitlement function', () => {
    const { access } = directory();
    const view = new AccessGate(access).view({ policy: { mask: ['data.trader'] }, key: policyKey({ mask: ['data.trader'] }) });
    expect(view(record)).toEqual({ data: { price: 10, trader: '***' }, meta: {} });
  });

  it('compiles once per policy key', () => {
    const { access } = directory();
    const gate = new AccessGate(access);
    const masked = { policy: { mask: ['data.trader'] }, key: policyKey({ mask: ['data.trader'] }) };
    const first = gate.view(masked);
    expect(gate.view({ ...masked, policy: { ...masked.policy } })).toBe(first);
    expect(gate.view({ policy: {}, key: policyKey({}) })).not.toBe(first);
  });
});

describe('revokeReasonOf', () => {
  it('maps each refusal to why a running flow ends', () => {
    expect(revokeReasonOf(SubscriptionErrorCode.UnknownStream)).toBe('STREAM_DELETED');
    expect(revokeReasonOf(SubscriptionErrorCode.NotEntitled)).toBe('ENTITLEMENT_REVOKED');
    expect(revokeReasonOf(SubscriptionErrorCode.QuotaExceeded)).toBe('QUOTA_EXCEEDED');
  });
});
