import { check, checkFields } from './contract-checks';
import type { FieldChecks } from './contract-checks';

/**
 * What a partner may see of one stream (DESIGN.md §4-5): rows passing `filter`, only the
 * `fields` paths (all when absent), with the `mask` paths' values replaced by "***";
 * `publish` and `subscribe` grant the two directions separately.
 */
export interface EntitlementPolicy {
  /** May the partner publish records to the stream over HTTP (default false). */
  publish?: boolean;
  /** May the partner subscribe to the stream (default true). */
  subscribe?: boolean;
  fields?: string[];
  mask?: string[];
  filter?: string;
}

/** A partner's entitlements as replicated on control.entitlements (key: partner id). */
export interface PartnerEntitlements {
  partnerId: string;
  streams: Record<string, EntitlementPolicy>;
  updatedAt: string;
}

export const MASKED_VALUE = '***';

const POLICY: FieldChecks<EntitlementPolicy> = {
  publish: check.optional(check.boolean),
  subscribe: check.optional(check.boolean),
  fields: check.optional(check.stringArray),
  mask: check.optional(check.stringArray),
  filter: check.optional(check.string),
};

const PARTNER_ENTITLEMENTS: FieldChecks<PartnerEntitlements> = {
  partnerId: check.nonEmpty,
  // Each policy is checked below, so a problem names its stream.
  streams: check.object,
  updatedAt: check.timestamp,
};

/** Checks a control.entitlements value, each stream's policy included. */
export function parsePartnerEntitlements(value: unknown): PartnerEntitlements {
  const entitlements = checkFields('partner entitlements', value, PARTNER_ENTITLEMENTS);
  for (const [stream, policy] of Object.entries(entitlements.streams)) checkFields(`partner entitlements: streams.${stream}`, policy, POLICY);
  return entitlements;
}
