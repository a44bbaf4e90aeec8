import type { DeliveredRecord } from '@streamgate/contracts';
import type { CompiledPolicy } from '@streamgate/entitlements';
import type { CompiledFilter } from '@streamgate/expressions';
import { preserialized } from './preserialized-parser';

/** A record as one partner may see it, serialized once. */
export interface View {
  record: DeliveredRecord;
  json: string;
  bytes: number;
  /** Offset in records.enriched (from `pos`). */
  offset: number;
}

export interface ViewOptions {
  /** The subscriber's (or replay request's) own filter, evaluated on the entitled view. */
  filter?: CompiledFilter;
  /** Marks replayed records (`replay: true`). */
  replay?: boolean;
  /** A record that cannot be viewed (e.g. nested too deep to serialize) is skipped and reported here. */
  onError?: (record: DeliveredRecord, error: Error) => void;
}

/**
 * The one view function of every delivery path — live rooms, catch-ups and replays: the
 * partner's entitlement policy (row filter → projection → masks), then the subscriber's filter
 * on the masked view, then serialization once. Records of other streams never pass.
 */
export function viewRecords(stream: string, policy: CompiledPolicy, records: readonly DeliveredRecord[], options: ViewOptions = {}): View[] {
  const out: View[] = [];
  for (const record of records) {
    if (record.stream !== stream) continue;
    try {
      const view = viewOne(policy, record, options);
      if (view) out.push(view);
    } catch (error) {
      // One record must never stop a batch (and with it the consumer every socket depends on).
      options.onError?.(record, error as Error);
    }
  }
  return out;
}

function viewOne(policy: CompiledPolicy, record: DeliveredRecord, options: ViewOptions): View | undefined {
  const entitled = policy(record);
  if (!entitled) return undefined;
  const visible: DeliveredRecord = { ...record, data: entitled.data, meta: entitled.meta };
  if (options.replay) visible.replay = true;
  if (options.filter && !options.filter(visible)) return undefined;
  const json = JSON.stringify(visible);
  return { record: preserialized(visible, json), json, bytes: Buffer.byteLength(json), offset: offsetOf(record.pos) };
}

/** Narrows views already computed for a policy group by one subscriber filter. */
export function filterViews(views: View[], filter: CompiledFilter | undefined): View[] {
  return filter ? views.filter((v) => filter(v.record)) : views;
}

export function offsetOf(pos: string): number {
  return Number(pos.slice(pos.indexOf(':') + 1));
}
