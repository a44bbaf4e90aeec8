/** Counters a usage event can carry; metering adds them up per partner, stream and minute. */
export interface UsageCounters {
  recordsPublished?: number;
  bytesPublished?: number;
  recordsDelivered?: number;
  bytesDelivered?: number;
  recordsReplayed?: number;
  connectionSeconds?: number;
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
}
