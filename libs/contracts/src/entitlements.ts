/**
 * What a partner may see of one stream (DESIGN.md §4-5): rows passing `filter`, only the
 * `fields` paths (all when absent), with the `mask` paths' values replaced by "***".
 */
export interface EntitlementPolicy {
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
