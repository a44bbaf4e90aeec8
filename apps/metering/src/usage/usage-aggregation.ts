import type { UsageEvent } from '@streamgate/contracts';
import { nextPeriod, periodOf } from '../billing';

export const COUNTERS = ['recordsDelivered', 'bytesDelivered', 'recordsPublished', 'bytesPublished', 'recordsReplayed', 'connectionSeconds'] as const;
export type Counter = (typeof COUNTERS)[number];

/** One (partner, stream, minute) aggregate; stream '' holds partner-level counters (connections). */
export interface MinuteRow {
  partnerId: string;
  stream: string;
  minute: Date;
  counters: Record<Counter, number>;
  peakConnections: number;
}

/** Usage of a closed period, booked into the first open period after it. */
export interface AdjustmentRow extends Omit<MinuteRow, 'peakConnections'> {
  originalPeriod: string;
  bookedPeriod: string;
  eventId: string;
}

const zero = (): Record<Counter, number> => ({ recordsDelivered: 0, bytesDelivered: 0, recordsPublished: 0, bytesPublished: 0, recordsReplayed: 0, connectionSeconds: 0 });

/**
 * Folds events (already deduplicated) into minute aggregates, or into adjustments when their
 * minute lies in a period already closed for that partner (in the partner's time zone).
 */
export function aggregateUsage(
  events: UsageEvent[],
  context: { timeZoneOf(partnerId: string): string; isClosed(period: string): boolean },
): { rows: MinuteRow[]; adjustments: AdjustmentRow[] } {
  const rows = new Map<string, MinuteRow>();
  const adjustments: AdjustmentRow[] = [];
  for (const event of events) {
    const minute = new Date(Math.floor(Date.parse(event.windowStart) / 60_000) * 60_000);
    const stream = event.stream ?? '';
    const period = periodOf(minute, context.timeZoneOf(event.partnerId));
    if (context.isClosed(period)) {
      let booked = nextPeriod(period);
      while (context.isClosed(booked)) booked = nextPeriod(booked);
      const counters = zero();
      for (const name of COUNTERS) counters[name] = event.counters[name] ?? 0;
      adjustments.push({ partnerId: event.partnerId, stream, minute, counters, originalPeriod: period, bookedPeriod: booked, eventId: event.id });
      continue;
    }
    const key = `${event.partnerId}\u0000${stream}\u0000${minute.getTime()}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { partnerId: event.partnerId, stream, minute, counters: zero(), peakConnections: 0 }));
    for (const name of COUNTERS) row.counters[name] += event.counters[name] ?? 0;
    row.peakConnections = Math.max(row.peakConnections, event.counters.peakConnections ?? 0);
  }
  return { rows: [...rows.values()], adjustments };
}
