import { Injectable } from '@nestjs/common';
import type { EntitlementPolicy } from '@streamgate/contracts';
import { compilePolicy, grantsSubscribe, policyKey } from '@streamgate/entitlements';
import type { CompiledPolicy } from '@streamgate/entitlements';
import { AccessDirectory } from '../access/access-directory.service';
import type { Principal } from '../access/socket-authenticator.service';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

export type RevokeReason = 'KEY_REVOKED' | 'ENTITLEMENT_REVOKED' | 'STREAM_DELETED' | 'TOKEN_EXPIRED' | 'QUOTA_EXCEEDED';

export type Verdict =
  | { ok: true; policy: EntitlementPolicy; key: string }
  | { ok: false; code: typeof SubscriptionErrorCode.UnknownStream | typeof SubscriptionErrorCode.NotEntitled | typeof SubscriptionErrorCode.QuotaExceeded; message: string };

/** Compiled policies kept for running replays; a policy is small, and few are live at once. */
const MAX_COMPILED = 1_000;

/**
 * The one access decision of delivery: may this principal receive this stream now, and under
 * which policy. Subscribe, resume, replay and every running flow after a control change ask
 * it, so a record can never pass a gate another path would have closed.
 */
@Injectable()
export class AccessGate {
  private readonly compiled = new Map<string, CompiledPolicy>();

  constructor(private readonly access: AccessDirectory) {}

  check(principal: Principal, stream: string): Verdict {
    if (!this.access.hasStream(stream)) return { ok: false, code: SubscriptionErrorCode.UnknownStream, message: `no stream named ${stream}` };
    const policy = this.access.policy(principal.partnerId, stream);
    if (!grantsSubscribe(policy) || (principal.token && !principal.token.streams.includes(stream))) {
      return { ok: false, code: SubscriptionErrorCode.NotEntitled, message: `not entitled to ${stream}` };
    }
    if (this.access.quota(principal.partnerId)?.state === 'hard') {
      return { ok: false, code: SubscriptionErrorCode.QuotaExceeded, message: 'the partner is over its hard usage limit for this period' };
    }
    const granted = policy as EntitlementPolicy;
    return { ok: true, policy: granted, key: policyKey(granted) };
  }

  /** The granted policy, or the refusal as a SubscriptionException. */
  require(principal: Principal, stream: string): { policy: EntitlementPolicy; key: string } {
    const verdict = this.check(principal, stream);
    if (!verdict.ok) throw new SubscriptionException(verdict.code, verdict.message);
    return verdict;
  }

  /** The entitlement function of a granted policy, compiled once. */
  view(granted: { policy: EntitlementPolicy; key: string }): CompiledPolicy {
    let compiled = this.compiled.get(granted.key);
    if (!compiled) {
      if (this.compiled.size >= MAX_COMPILED) this.compiled.clear();
      this.compiled.set(granted.key, (compiled = compilePolicy(granted.policy)));
    }
    return compiled;
  }
}

/** Why a running flow ends when the gate closes on it. */
export function revokeReasonOf(code: Exclude<Verdict, { ok: true }>['code']): RevokeReason {
  if (code === SubscriptionErrorCode.UnknownStream) return 'STREAM_DELETED';
  if (code === SubscriptionErrorCode.QuotaExceeded) return 'QUOTA_EXCEEDED';
  return 'ENTITLEMENT_REVOKED';
}
