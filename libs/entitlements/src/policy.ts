import { isJsonObject } from '@streamgate/contracts';
import type { EntitlementPolicy } from '@streamgate/contracts';
import { ExpressionSyntaxError, compileFilter } from '@streamgate/expressions';
import type { CompiledFilter } from '@streamgate/expressions';
import { isValidPath } from '@streamgate/streams';
import type { RecordRoots } from '@streamgate/streams';
import { EntitlementError, EntitlementErrorCode } from './errors';
import { compileMasking, compileProjection } from './policy-paths';

const MAX_PATHS = 256;

/** Checks an entitlement as the admin API receives it; returns it normalized. */
export function validateEntitlement(input: unknown): EntitlementPolicy {
  if (!isJsonObject(input)) throw new EntitlementError(EntitlementErrorCode.InvalidEntitlement, 'an entitlement is { publish?, subscribe?, fields?, mask?, filter? }');
  const unknown = Object.keys(input).filter((k) => !['publish', 'subscribe', 'fields', 'mask', 'filter'].includes(k));
  if (unknown.length > 0) throw new EntitlementError(EntitlementErrorCode.InvalidEntitlement, `unknown fields: ${unknown.join(', ')}`);
  const policy: EntitlementPolicy = {};
  for (const key of ['publish', 'subscribe'] as const) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') throw new EntitlementError(EntitlementErrorCode.InvalidEntitlement, `${key} must be true or false`);
  }
  // Only the non-default grants are kept, so equal grants are stored (and compared) alike.
  if (input.publish === true) policy.publish = true;
  if (input.subscribe === false) policy.subscribe = false;
  for (const key of ['fields', 'mask'] as const) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value) || value.length > MAX_PATHS || !value.every(isValidPath)) {
      throw new EntitlementError(EntitlementErrorCode.InvalidEntitlement, `${key} must be an array of paths such as data.price or meta.tier`);
    }
    policy[key] = [...new Set(value)];
  }
  if (input.filter !== undefined && input.filter !== null) {
    if (typeof input.filter !== 'string') throw new EntitlementError(EntitlementErrorCode.InvalidFilter, 'filter must be an expression string', 0);
    checkFilter(input.filter);
    policy.filter = input.filter;
  }
  return policy;
}

/** May the partner publish to the stream over HTTP (default: no). */
export function grantsPublish(policy: EntitlementPolicy | undefined): boolean {
  return policy?.publish === true;
}

/** May the partner subscribe to the stream (default: yes, for any entitlement). */
export function grantsSubscribe(policy: EntitlementPolicy | undefined): boolean {
  return policy !== undefined && policy.subscribe !== false;
}

/** Compiles a filter expression or throws INVALID_FILTER with the position. */
export function checkFilter(source: string): CompiledFilter {
  try {
    return compileFilter(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) throw new EntitlementError(EntitlementErrorCode.InvalidFilter, error.message, error.position);
    throw error;
  }
}

/**
 * One stable string per view: partners with equal entitlements share one delivery group. The
 * publish/subscribe grants do not change what is seen, so they are not part of it.
 */
export function policyKey(policy: EntitlementPolicy): string {
  return JSON.stringify([policy.filter ?? null, [...(policy.fields ?? [])].sort(), [...(policy.mask ?? [])].sort()]);
}

/** The record a partner may see, or undefined when the row filter excludes it. Never mutates its input. */
export type CompiledPolicy = (record: RecordRoots) => RecordRoots | undefined;

/**
 * The one entitlement function of every delivery path (live, resume, replay): row filter on
 * the full record → projection to `fields` → masking of `mask`. Compiled once per policy.
 * Paths reach into arrays (a segment applies to every element) and fail closed: see
 * policy-paths.ts.
 */
export function compilePolicy(policy: EntitlementPolicy): CompiledPolicy {
  const rowFilter = policy.filter ? checkFilter(policy.filter) : undefined;
  const project = policy.fields ? compileProjection(policy.fields) : undefined;
  const mask = policy.mask?.length ? compileMasking(policy.mask) : undefined;
  return (record) => {
    if (rowFilter && !rowFilter(record)) return undefined;
    const visible = project ? project(record) : { data: record.data, meta: record.meta };
    return mask ? mask(visible) : visible;
  };
}
