import { ContractViolation } from './contract-violation';
import { check, checkFields } from './contract-checks';
import type { FieldCheck, FieldChecks } from './contract-checks';
import { isIsoTimestamp, isJsonObject } from './envelope';

/** Counters a usage event can carry; metering adds them up per partner, stream and minute. */
export interface UsageCounters {
  recordsPublished?: number;
  bytesPublished?: number;
  recordsDelivered?: number;
  bytesDelivered?: number;
  recordsReplayed?: number;
  connectionSeconds?: number;
  /** Most sockets of the partner open at once on the reporting instance during the window. */
  peakConnections?: number;
}

/**
 * One value on usage.events (key: partner id). `id` is deterministic: the same work redone
 * after a crash produces the same id, so metering counts it once.
 */
export interface UsageEvent {
  id: string;
  partnerId: string;
  /** The API key the work was done for, when there is one (access-control keeps "last used" from it). */
  keyId?: string;
  stream: string | null;
  /** Which app measured it: `ingest`, `delivery`. */
  source: string;
  windowStart: string;
  windowEnd: string;
  counters: UsageCounters;
  /** The records.enriched positions the delivered records came from: partition → [first, last]. */
  offsets?: Record<string, [number, number]>;
}

/** A partner's quota as metering publishes it on control.quotas (key: partner id). */
export interface QuotaState {
  state: 'ok' | 'soft' | 'hard';
  /** Billing period, YYYY-MM in the partner's time zone. */
  period: string;
  used: number;
  limit: number | null;
  /** The plan's limit on concurrent connections (delivery refuses more with TOO_MANY_CONNECTIONS). */
  maxConnections?: number | null;
  /** The plan's replay pace (records per second; delivery paces replays to it). */
  replayRecordsPerSecond?: number | null;
}

/** One row of GET /v1/usage (DESIGN.md §4); periods are half-open [periodStart, periodEnd). */
export interface UsageReportRow {
  partnerId: string;
  partnerName: string;
  stream: string | null;
  periodStart: string;
  periodEnd: string;
  recordsDelivered: number;
  bytesDelivered: number;
  recordsPublished: number;
  recordsReplayed: number;
  connectionMinutes: number;
}

const fail = (detail: string): never => {
  throw new ContractViolation('usage event', detail);
};

/** Checks a usage.events value; anything else is refused (and never counted). */
export function parseUsageEvent(value: unknown): UsageEvent {
  if (!isJsonObject(value)) return fail('not a JSON object');
  if (typeof value.id !== 'string' || value.id.length === 0 || value.id.length > 512) fail('id must be a string of 1..512 characters');
  if (typeof value.partnerId !== 'string' || value.partnerId.length === 0) fail('partnerId is required');
  if (value.keyId !== undefined && typeof value.keyId !== 'string') fail('keyId must be a string when present');
  if (value.stream !== null && typeof value.stream !== 'string') fail('stream must be a string or null');
  if (typeof value.source !== 'string') fail('source must be a string');
  if (!isIsoTimestamp(value.windowStart) || !isIsoTimestamp(value.windowEnd)) fail('windowStart and windowEnd must be ISO-8601');
  const year = new Date(value.windowStart as string).getUTCFullYear();
  if (year < 2000 || year > 9998) fail('windowStart must lie between the years 2000 and 9998');
  if (!isJsonObject(value.counters)) return fail('counters must be an object');
  for (const [name, n] of Object.entries(value.counters)) {
    // Counts are whole numbers that fit the bigint columns; only connection seconds have fractions.
    const valid = typeof n === 'number' && n >= 0 && (name === 'connectionSeconds' ? Number.isFinite(n) && n < 1e12 : Number.isSafeInteger(n));
    if (!valid) fail(`counter ${name} must be a non-negative ${name === 'connectionSeconds' ? 'number' : 'safe integer'}`);
  }
  if (value.offsets !== undefined && !(isJsonObject(value.offsets) && Object.values(value.offsets).every(isOffsetRange))) fail('offsets must map partitions to [first, last] offsets');
  return value as unknown as UsageEvent;
}

const isOffsetRange = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && v.every((n) => Number.isSafeInteger(n) && n >= 0);

// Metering sums counts as float8: numbers, not necessarily safe integers.
const amount: FieldCheck = [(v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a non-negative number'];
const QUOTA_STATE: FieldChecks<QuotaState> = {
  state: check.oneOf('ok', 'soft', 'hard'),
  period: [(v) => typeof v === 'string' && /^\d{4}-\d{2}$/.test(v), 'a YYYY-MM period'],
  used: amount,
  limit: check.orNull(amount),
  maxConnections: check.optional(check.orNull(check.count)),
  replayRecordsPerSecond: check.optional(check.orNull(amount)),
};

/** Checks a control.quotas value. */
export function parseQuotaState(value: unknown): QuotaState {
  return checkFields('quota state', value, QUOTA_STATE);
}
