import type { DeliveredRecord, EntitlementPolicy } from '@streamgate/contracts';
import { compilePolicy, policyKey } from '@streamgate/entitlements';
import type { CompiledPolicy } from '@streamgate/entitlements';
import type { CompiledFilter } from '@streamgate/expressions';
import { DeferredRooms } from './deferred-rooms';
import { filterViews, viewRecords } from './delivery-view';
import type { View, ViewOptions } from './delivery-view';
import type { Member, Sent } from '../metering/usage-tally';
import { preserialized } from './preserialized-parser';

/** Where one subscription receives: a Socket.IO room shared by everyone with the same view. */
export interface GroupRef {
  stream: string;
  policyKey: string;
  filterKey: string;
  room: string;
  batch: boolean;
}

/** Where delivery's sends are metered (UsageRecorder; a UsageTally in tests). */
export interface UsageSink {
  activate(room: string, member: Member): void;
  deactivate(room: string, subscriptionId: string): void;
  sent(room: string, sent: Sent): void;
  direct(member: Member, sent: Sent): void;
  meteredThrough(partnerId: string, lineage: string, partition: number): number;
}

interface FilterGroup {
  filter?: CompiledFilter;
  room: string;
  batch: boolean;
  /** Subscriptions of the group, live in the room or not (catching up, lagging). */
  members: Set<string>;
}

interface PolicyGroup {
  policy: CompiledPolicy;
  filters: Map<string, FilterGroup>;
}

export type Emit = (room: string, batch: boolean, payload: DeliveredRecord[]) => void;

/**
 * Subscriptions grouped so that per-record work is done once per group, not per socket: one
 * policy group per (stream, entitlement policy) computes and serializes the partner view of
 * each record once; inside it, one filter group per (subscriber filter, delivery mode) filters
 * once and is one Socket.IO room.
 *
 * Every send is metered before it is pushed: a room's sends count for the subscriptions whose
 * socket is in the room (`live`), a catch-up's for its one subscription (`viewFor`).
 */
export class SubscriptionGroups {
  private readonly streams = new Map<string, Map<string, PolicyGroup>>();
  private nextRoom = 0;
  /** Deliveries of deferred rooms, counted when they run (route() returns the immediate ones). */
  onRoutedLater: (deliveries: number) => void = () => undefined;

  constructor(
    private readonly usage: UsageSink,
    private readonly deferred = new DeferredRooms(),
  ) {}

  get size(): number {
    let n = 0;
    for (const groups of this.streams.values()) for (const group of groups.values()) n += group.filters.size;
    return n;
  }

  /** Adds a subscription to its group; it is metered for the room's sends once it is `live`. */
  join(stream: string, policy: EntitlementPolicy, filter: { source: string; compiled: CompiledFilter } | undefined, batch: boolean, subscriptionId: string): GroupRef {
    const pKey = policyKey(policy);
    const fKey = `${batch ? 'b' : 'r'}:${filter?.source ?? ''}`;
    let groups = this.streams.get(stream);
    if (!groups) this.streams.set(stream, (groups = new Map()));
    let group = groups.get(pKey);
    if (!group) groups.set(pKey, (group = { policy: compilePolicy(policy), filters: new Map() }));
    let filterGroup = group.filters.get(fKey);
    if (!filterGroup) {
      filterGroup = { filter: filter?.compiled, room: `g${this.nextRoom++}`, batch, members: new Set() };
      group.filters.set(fKey, filterGroup);
    }
    filterGroup.members.add(subscriptionId);
    return { stream, policyKey: pKey, filterKey: fKey, room: filterGroup.room, batch };
  }

  /**
   * The subscription's socket is about to join the room: the room's deferred sends go first
   * (the socket has them from its catch-up, or they precede its ack), then its sends count for it.
   */
  live(ref: GroupRef, member: Member): void {
    this.deferred.flush(ref.room);
    this.usage.activate(ref.room, member);
  }

  /**
   * The subscription's socket is about to leave the room (lagging): what was routed to the room
   * goes out first, so the lag's catch-up, which starts after the routed positions, skips nothing.
   */
  offline(ref: GroupRef, subscriptionId: string): void {
    this.deferred.flush(ref.room);
    this.usage.deactivate(ref.room, subscriptionId);
  }

  /** Runs the room's deferred sends out (before a socket moves to another group: no gap). */
  flush(ref: GroupRef): void {
    this.deferred.flush(ref.room);
  }

  /** The socket has already left the room (an end, a revocation): what is deferred goes to the others. */
  leave(ref: GroupRef, subscriptionId: string): void {
    this.usage.deactivate(ref.room, subscriptionId);
    const groups = this.streams.get(ref.stream);
    const group = groups?.get(ref.policyKey);
    const filterGroup = group?.filters.get(ref.filterKey);
    if (!groups || !group || !filterGroup) return;
    filterGroup.members.delete(subscriptionId);
    if (filterGroup.members.size > 0) return;
    this.deferred.drop(ref.room);
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
        // Without a subscriber filter there is nothing costly: sent at once. A filtered room
        // runs here too unless its filter has proved costly (see DeferredRooms).
        if (!filterGroup.filter) {
          routed += this.send(filterGroup, partition, visible, emit);
          continue;
        }
        let now = true;
        this.deferred.run(filterGroup.room, visible.length, () => {
          const n = this.send(filterGroup, partition, visible, emit);
          if (now) routed += n;
          else this.onRoutedLater(n);
        });
        now = false;
      }
    }
    return routed;
  }

  /** One room's list of a batch: filtered, metered, then pushed. */
  private send(filterGroup: FilterGroup, partition: number, visible: View[], emit: Emit): number {
    const list = filterViews(visible, filterGroup.filter);
    if (list.length === 0) return 0;
    const payload = list.map((v) => v.record);
    if (filterGroup.batch) preserialized(payload, `[${list.map((v) => v.json).join(',')}]`);
    this.usage.sent(filterGroup.room, sentOf(partition, list));
    emit(filterGroup.room, filterGroup.batch, payload);
    return list.length * filterGroup.members.size;
  }

  /**
   * The view one group's members get of records (the same view function as the rooms), for a
   * catch-up sent to one socket; they are metered for `member` before they are returned. The group is looked
   * up now, so a narrowed entitlement applies from the next chunk of a running catch-up.
   */
  viewFor(ref: GroupRef, member: Member, partition: number, records: DeliveredRecord[]): DeliveredRecord[] {
    const group = this.streams.get(ref.stream)?.get(ref.policyKey);
    const filterGroup = group?.filters.get(ref.filterKey);
    if (!group || !filterGroup) return [];
    const out = viewRecords(ref.stream, group.policy, records, { filter: filterGroup.filter });
    // What this lineage was already metered for (sent before a disconnect or a crash, perhaps
    // never received) is sent again, not metered again.
    const through = this.usage.meteredThrough(member.partnerId, member.lineage, partition);
    const metered = through < 0 ? out : out.filter((o) => o.offset > through);
    if (metered.length > 0) this.usage.direct(member, sentOf(partition, metered));
    return out.map((o) => o.record);
  }
}

function sentOf(partition: number, list: Array<{ bytes: number; offset: number }>): Sent {
  let bytes = 0;
  for (const item of list) bytes += item.bytes;
  return { partition, first: (list[0] as { offset: number }).offset, last: (list[list.length - 1] as { offset: number }).offset, count: list.length, bytes };
}
