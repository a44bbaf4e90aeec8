import { MASKED_VALUE, isJsonObject } from '@streamgate/contracts';
import type { EntitlementPolicy, JsonObject } from '@streamgate/contracts';
import { ExpressionSyntaxError, compileFilter } from '@streamgate/expressions';
import type { CompiledFilter } from '@streamgate/expressions';
import { compilePath, isValidPath } from '@streamgate/streams';
import type { PathAccess, RecordRoots } from '@streamgate/streams';
import { EntitlementError, EntitlementErrorCode } from './errors';

const MAX_PATHS = 256;

/** Checks an entitlement as the admin API receives it; returns it normalized. */
export function validateEntitlement(input: unknown): EntitlementPolicy {
  if (!isJsonObject(input)) throw new EntitlementError(EntitlementErrorCode.InvalidEntitlement, 'an entitlement is { fields?, mask?, filter? }');
  const unknown = Object.keys(input).filter((k) => !['fields', 'mask', 'filter'].includes(k));
  if (unknown.length > 0) throw new EntitlementError(EntitlementErrorCode.InvalidEntitlement, `unknown fields: ${unknown.join(', ')}`);
  const policy: EntitlementPolicy = {};
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

/** Compiles a filter expression or throws INVALID_FILTER with the position. */
export function checkFilter(source: string): CompiledFilter {
  try {
    return compileFilter(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) throw new EntitlementError(EntitlementErrorCode.InvalidFilter, error.message, error.position);
    throw error;
  }
}

/** One stable string per policy: partners with equal entitlements share one delivery group. */
export function policyKey(policy: EntitlementPolicy): string {
  return JSON.stringify([policy.filter ?? null, [...(policy.fields ?? [])].sort(), [...(policy.mask ?? [])].sort()]);
}

/** The record a partner may see, or undefined when the row filter excludes it. Never mutates its input. */
export type CompiledPolicy = (record: RecordRoots) => RecordRoots | undefined;

/**
 * The one entitlement function of every delivery path (live, resume, replay): row filter on
 * the full record → projection to `fields` → masking of `mask`. Compiled once per policy.
 */
export function compilePolicy(policy: EntitlementPolicy): CompiledPolicy {
  const rowFilter = policy.filter ? checkFilter(policy.filter) : undefined;
  const fields = policy.fields?.map(compilePath);
  const masks = (policy.mask ?? []).map(compilePath);
  return (record) => {
    if (rowFilter && !rowFilter(record)) return undefined;
    const visible = fields ? project(record, fields) : { data: record.data, meta: record.meta };
    for (const mask of masks) maskPath(visible, mask);
    return visible;
  };
}

function project(record: RecordRoots, fields: PathAccess[]): RecordRoots {
  const out: RecordRoots = { data: {}, meta: {} };
  for (const field of fields) {
    const value = field.get(record);
    if (value !== undefined) field.set(out, value);
  }
  return out;
}

// Copy-on-write along the path: the masked copy never writes into objects the record (and the
// other groups delivering it) still share.
function maskPath(record: RecordRoots, path: PathAccess): void {
  if (path.get(record) === undefined) return;
  let node: JsonObject = { ...record[path.root] };
  record[path.root] = node;
  const last = path.segments.length - 1;
  for (let i = 0; i < last; i++) {
    const segment = path.segments[i] as string;
    const child = { ...(node[segment] as JsonObject) };
    node[segment] = child;
    node = child;
  }
  node[path.segments[last] as string] = MASKED_VALUE;
}
