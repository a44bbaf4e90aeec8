import type { DeliveredRecord, EntitlementPolicy } from '@streamgate/contracts';
import { compilePolicy, policyKey } from '@streamgate/entitlements';
import type { CompiledPolicy } from '@streamgate/entitlements';
import type { CompiledFilter } from '@streamgate/expressions';

/** Where one subscription receives: a Socket.IO room shared by everyone with the same view. */
export interface GroupRef {
  stream: string;
  policyKey: string;
  filterKey: string;
  room: string;
  batch: boolean;
}

interface FilterGroup {
  filter?: CompiledFilter;
  room: string;
  batch: boolean;
  members: number;
}

interface PolicyGroup {
  policy: CompiledPolicy;
  filters: Map<string, FilterGroup>;
}

export type Emit = (room: string, batch: boolean, records: DeliveredRecord[]) => void;

/**
 * Subscriptions grouped so that per-record work is done once per group, not per socket: one
 * policy group per (stream, entitlement policy) computes the partner view of each record once;
 * inside it, one filter group per (subscriber filter, delivery mode) filters once and is one room,
 * so Socket.IO serializes each record once per room.
 */
export class SubscriptionGroups {
  private readonly streams = new Map<string, Map<string, PolicyGroup>>();
  private nextRoom = 0;

  get size(): number {
    let n = 0;
    for (const groups of this.streams.values()) for (const group of groups.values()) n += group.filters.size;
    return n;
  }

  join(stream: string, policy: EntitlementPolicy, filter: { source: string; compiled: CompiledFilter } | undefined, batch: boolean): GroupRef {
    const pKey = policyKey(policy);
    const fKey = `${batch ? 'b' : 'r'}:${filter?.source ?? ''}`;
    let groups = this.streams.get(stream);
    if (!groups) this.streams.set(stream, (groups = new Map()));
    let group = groups.get(pKey);
    if (!group) groups.set(pKey, (group = { policy: compilePolicy(policy), filters: new Map() }));
    let filterGroup = group.filters.get(fKey);
    if (!filterGroup) group.filters.set(fKey, (filterGroup = { filter: filter?.compiled, room: `g${this.nextRoom++}`, batch, members: 0 }));
    filterGroup.members++;
    return { stream, policyKey: pKey, filterKey: fKey, room: filterGroup.room, batch };
  }

  leave(ref: GroupRef): void {
    const groups = this.streams.get(ref.stream);
    const group = groups?.get(ref.policyKey);
    const filterGroup = group?.filters.get(ref.filterKey);
    if (!groups || !group || !filterGroup) return;
    if (--filterGroup.members > 0) return;
    group.filters.delete(ref.filterKey);
    if (group.filters.size > 0) return;
    groups.delete(ref.policyKey);
    if (groups.size === 0) this.streams.delete(ref.stream);
  }

  /** Applies every group's view to a stream's records and hands each room its list. */
  route(stream: string, records: DeliveredRecord[], emit: Emit): number {
    const groups = this.streams.get(stream);
    if (!groups) return 0;
    let routed = 0;
    for (const group of groups.values()) {
      const visible: DeliveredRecord[] = [];
      for (const record of records) {
        const view = group.policy(record);
        if (view) visible.push(view === record ? record : { ...record, data: view.data, meta: view.meta });
      }
      if (visible.length === 0) continue;
      for (const filterGroup of group.filters.values()) {
        const filter = filterGroup.filter;
        const list = filter ? visible.filter((r) => filter(r)) : visible;
        if (list.length === 0) continue;
        emit(filterGroup.room, filterGroup.batch, list);
        routed += list.length * filterGroup.members;
      }
    }
    return routed;
  }
}
