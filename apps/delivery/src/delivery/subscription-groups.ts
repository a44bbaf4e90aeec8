import type { DeliveredRecord, EntitlementPolicy } from '@streamgate/contracts';
import { compilePolicy, policyKey } from '@streamgate/entitlements';
import type { CompiledPolicy } from '@streamgate/entitlements';
import type { CompiledFilter } from '@streamgate/expressions';
import { filterViews, viewRecords } from './delivery-view';
import type { ViewOptions } from './delivery-view';
import { preserialized } from './preserialized-parser';

/** Where one subscription receives: a Socket.IO room shared by everyone with the same view. */
export interface GroupRef {
  stream: string;
  policyKey: string;
  filterKey: string;
  room: string;
  batch: boolean;
}

/** Who a subscription's deliveries are metered for. */
export interface Member {
  subscriptionId: string;
  partnerId: string;
  keyId: string;
  stream: string;
}

/** Deliveries of one subscription since the last drain; `offsets` per partition of records.enriched. */
export interface SubscriptionUsage extends Member {
  records: number;
  bytes: number;
  offsets: Record<string, [number, number]>;
}

interface Pending {
  records: number;
  bytes: number;
  offsets: Map<number, [number, number]>;
}

interface FilterGroup {
  filter?: CompiledFilter;
  room: string;
  batch: boolean;
  members: Map<string, Member>;
  pending: Pending;
}

interface PolicyGroup {
  policy: CompiledPolicy;
  filters: Map<string, FilterGroup>;
}

export type Emit = (room: string, batch: boolean, payload: DeliveredRecord[]) => void;

const emptyPending = (): Pending => ({ records: 0, bytes: 0, offsets: new Map() });

/**
 * Subscriptions grouped so that per-record work is done once per group, not per socket: one
 * policy group per (stream, entitlement policy) computes and serializes the partner view of
 * each record once; inside it, one filter group per (subscriber filter, delivery mode) filters
 * once and is one Socket.IO room.
 *
 * It also meters exactly: what a room was sent accumulates on the room and is settled onto its
 * members whenever membership changes and at each drain, so each record sent to each
 * subscription counts once.
 */
export class SubscriptionGroups {
  private readonly streams = new Map<string, Map<string, PolicyGroup>>();
  private readonly settled = new Map<string, SubscriptionUsage>();
  private nextRoom = 0;

  get size(): number {
    let n = 0;
    for (const groups of this.streams.values()) for (const group of groups.values()) n += group.filters.size;
    return n;
  }

  join(stream: string, policy: EntitlementPolicy, filter: { source: string; compiled: CompiledFilter } | undefined, batch: boolean, member: Member): GroupRef {
    const pKey = policyKey(policy);
    const fKey = `${batch ? 'b' : 'r'}:${filter?.source ?? ''}`;
    let groups = this.streams.get(stream);
    if (!groups) this.streams.set(stream, (groups = new Map()));
    let group = groups.get(pKey);
    if (!group) groups.set(pKey, (group = { policy: compilePolicy(policy), filters: new Map() }));
    let filterGroup = group.filters.get(fKey);
    if (!filterGroup) {
      filterGroup = { filter: filter?.compiled, room: `g${this.nextRoom++}`, batch, members: new Map(), pending: emptyPending() };
      group.filters.set(fKey, filterGroup);
    }
    this.settle(filterGroup);
    filterGroup.members.set(member.subscriptionId, member);
    return { stream, policyKey: pKey, filterKey: fKey, room: filterGroup.room, batch };
  }

  leave(ref: GroupRef, subscriptionId: string): void {
    const groups = this.streams.get(ref.stream);
    const group = groups?.get(ref.policyKey);
    const filterGroup = group?.filters.get(ref.filterKey);
    if (!groups || !group || !filterGroup) return;
    this.settle(filterGroup);
    filterGroup.members.delete(subscriptionId);
    if (filterGroup.members.size > 0) return;
    group.filters.delete(ref.filterKey);
    if (group.filters.size > 0) return;
    groups.delete(ref.policyKey);
    if (groups.size === 0) this.streams.delete(ref.stream);
  }

  /** Applies every group's view to a stream's records (one partition's batch) and hands each room its list. */
  route(stream: string, partition: number, records: DeliveredRecord[], emit: Emit, onError?: ViewOptions['onError']): number {
    const groups = this.streams.get(stream);
    if (!groups) return 0;
    let routed = 0;
    for (const group of groups.values()) {
      // The policy's view once per policy group; each filter group (room) narrows it.
      const visible = viewRecords(stream, group.policy, records, { onError });
      if (visible.length === 0) continue;
      for (const filterGroup of group.filters.values()) {
        const list = filterViews(visible, filterGroup.filter);
        if (list.length === 0) continue;
        const payload = list.map((v) => v.record);
        if (filterGroup.batch) preserialized(payload, `[${list.map((v) => v.json).join(',')}]`);
        emit(filterGroup.room, filterGroup.batch, payload);
        this.account(filterGroup.pending, partition, list);
        routed += list.length * filterGroup.members.size;
      }
    }
    return routed;
  }

  /**
   * The view one group's members get of records (the same view function as the rooms), for a
   * catch-up sent to one socket; the deliveries are metered for `member`. The group is looked
   * up now, so a narrowed entitlement applies from the next chunk of a running catch-up.
   */
  viewFor(ref: GroupRef, member: Member, partition: number, records: DeliveredRecord[]): DeliveredRecord[] {
    const group = this.streams.get(ref.stream)?.get(ref.policyKey);
    const filterGroup = group?.filters.get(ref.filterKey);
    if (!group || !filterGroup) return [];
    const out = viewRecords(ref.stream, group.policy, records, { filter: filterGroup.filter });
    if (out.length > 0) {
      const pending = emptyPending();
      this.account(pending, partition, out);
      this.settleInto(member, pending);
    }
    return out.map((o) => o.record);
  }

  /** Everything delivered since the last drain, per subscription (subscriptions that left included). */
  drain(): SubscriptionUsage[] {
    for (const groups of this.streams.values()) for (const group of groups.values()) for (const filterGroup of group.filters.values()) this.settle(filterGroup);
    const out = [...this.settled.values()];
    this.settled.clear();
    return out;
  }

  private account(pending: Pending, partition: number, list: Array<{ bytes: number; offset: number }>): void {
    pending.records += list.length;
    for (const item of list) pending.bytes += item.bytes;
    const first = (list[0] as { offset: number }).offset;
    const last = (list[list.length - 1] as { offset: number }).offset;
    const range = pending.offsets.get(partition);
    pending.offsets.set(partition, range ? [Math.min(range[0], first), Math.max(range[1], last)] : [first, last]);
  }

  private settle(group: FilterGroup): void {
    if (group.pending.records === 0) return;
    for (const member of group.members.values()) this.settleInto(member, group.pending);
    group.pending = emptyPending();
  }

  private settleInto(member: Member, pending: Pending): void {
    let usage = this.settled.get(member.subscriptionId);
    if (!usage) this.settled.set(member.subscriptionId, (usage = { ...member, records: 0, bytes: 0, offsets: {} }));
    usage.records += pending.records;
    usage.bytes += pending.bytes;
    for (const [partition, [first, last]] of pending.offsets) {
      const range = usage.offsets[partition];
      usage.offsets[partition] = range ? [Math.min(range[0], first), Math.max(range[1], last)] : [first, last];
    }
  }
}
