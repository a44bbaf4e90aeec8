import type { UsageEvent } from '@streamgate/contracts';
import type { ConnectionUsage } from '../delivery/usage-windows';
import type { ReplayUsage, SubscriptionUsage } from './usage-tally';

/**
 * One window's usage reports: per subscription (records, bytes, offsets), per replay, and per
 * partner (connections). Ids depend only on the subscription or replay and the window start,
 * so a window rebuilt from the journal after a crash has the ids it would have had.
 */
export function toUsageEvents(window: {
  run: string;
  windowStart: Date;
  windowEnd: Date;
  subscriptions: SubscriptionUsage[];
  connections: ConnectionUsage[];
  replays: ReplayUsage[];
}): UsageEvent[] {
  const start = window.windowStart.toISOString();
  const end = window.windowEnd.toISOString();
  const events: UsageEvent[] = [];
  for (const s of window.subscriptions) {
    if (s.records === 0) continue;
    events.push({
      id: `delivered:${s.subscriptionId}:${start}`,
      partnerId: s.partnerId,
      keyId: s.keyId,
      stream: s.stream,
      source: 'delivery',
      windowStart: start,
      windowEnd: end,
      counters: { recordsDelivered: s.records, bytesDelivered: s.bytes },
      offsets: s.offsets,
    });
  }
  for (const r of window.replays) {
    events.push({
      id: `replayed:${r.replayId}:${start}`,
      partnerId: r.partnerId,
      keyId: r.keyId,
      stream: r.stream,
      source: 'delivery',
      windowStart: start,
      windowEnd: end,
      counters: { recordsReplayed: r.records, bytesDelivered: r.bytes },
    });
  }
  for (const c of window.connections) {
    events.push({
      id: `connections:${window.run}:${c.partnerId}:${start}`,
      partnerId: c.partnerId,
      keyId: c.keyIds[0],
      stream: null,
      source: 'delivery',
      windowStart: start,
      windowEnd: end,
      counters: { connectionSeconds: Math.round(c.connectionSeconds * 1000) / 1000, peakConnections: c.peakConnections },
    });
  }
  return events;
}
