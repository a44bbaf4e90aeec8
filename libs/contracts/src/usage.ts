import { ContractViolation } from './contract-violation';
import { isJsonObject } from './envelope';

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

/** Reads a control.quotas value (runtime check of the contract). */
export function parseQuotaState(value: Buffer | string): QuotaState {
  const parsed = JSON.parse(value.toString()) as unknown;
  if (!isJsonObject(parsed) || !['ok', 'soft', 'hard'].includes(String(parsed.state)) || typeof parsed.period !== 'string') {
    throw new ContractViolation('quota state', 'needs state ok|soft|hard and a period');
  }
  return parsed as unknown as QuotaState;
}
