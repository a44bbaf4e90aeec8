import { check, checkFields } from './contract-checks';
import type { FieldChecks } from './contract-checks';

/** Scopes an API key can carry (DESIGN.md §4). */
export const KeyScope = {
  Subscribe: 'subscribe',
  Publish: 'publish',
  UsageRead: 'usage:read',
} as const;
export type KeyScope = (typeof KeyScope)[keyof typeof KeyScope];
export const KEY_SCOPES: readonly KeyScope[] = Object.values(KeyScope);

/**
 * An API key as replicated on control.keys (key: key id; tombstone: revoked). Only the hash of
 * the secret ever leaves access-control; ingest and delivery verify keys locally with it.
 */
export interface ApiKeyRecord {
  id: string;
  partnerId: string;
  /** Hex SHA-256 of the whole key string. */
  hash: string;
  scopes: KeyScope[];
  createdAt: string;
}

/** Keys look like `sg_live_<keyId>_<secret>`: recognisable when leaked, and the id finds the hash. */
export const API_KEY_PATTERN = /^sg_live_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function parseApiKey(key: string): { keyId: string } | undefined {
  const match = API_KEY_PATTERN.exec(key);
  return match ? { keyId: match[1] as string } : undefined;
}

/** A partner as replicated on control.partners (key: partner id; tombstone: deleted). */
export interface PartnerRecord {
  id: string;
  name: string;
  plan: string | null;
  timezone: string;
  status: 'active' | 'suspended';
}

const API_KEY_RECORD: FieldChecks<ApiKeyRecord> = {
  id: check.nonEmpty,
  partnerId: check.nonEmpty,
  hash: [(v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v), 'a hex SHA-256'],
  scopes: [(v) => Array.isArray(v) && v.every((s) => (KEY_SCOPES as readonly unknown[]).includes(s)), `an array of ${KEY_SCOPES.join(', ')}`],
  createdAt: check.timestamp,
};

/** Checks a control.keys value. */
export function parseApiKeyRecord(value: unknown): ApiKeyRecord {
  return checkFields('API key record', value, API_KEY_RECORD);
}

const PARTNER_RECORD: FieldChecks<PartnerRecord> = {
  id: check.nonEmpty,
  name: check.string,
  plan: check.stringOrNull,
  timezone: check.nonEmpty,
  status: check.oneOf('active', 'suspended'),
};

/** Checks a control.partners value. */
export function parsePartnerRecord(value: unknown): PartnerRecord {
  return checkFields('partner record', value, PARTNER_RECORD);
}
