import { LineageMarks } from './lineage-marks';

/** Who a subscription's deliveries are metered for. */
export interface Member {
  subscriptionId: string;
  partnerId: string;
  keyId: string;
  stream: string;
  /** The subscription and every resume of it (the SDK sends it back with `since`). */
  lineage: string;
}


/** Deliveries of one subscription in a window; `offsets` per partition of records.enriched. */
export interface SubscriptionUsage extends Member {
  records: number;
  bytes: number;
  offsets: Record<string, [number, number]>;
}

/** Who a replay's records are metered for. */
export interface ReplayMember {
  replayId: string;
  partnerId: string;
  keyId: string;
  stream: string;
}

export interface ReplayUsage extends ReplayMember {
  records: number;
  bytes: number;
}

/** What was sent in one call: `count` records of one partition, offsets first..last, `bytes` in all. */
export interface Sent {
  partition: number;
  first: number;
  last: number;
  count: number;
  bytes: number;
}

interface Pending {
  records: number;
  bytes: number;
  offsets: Map<number, [number, number]>;
}

interface Room {
  members: Map<string, Member>;
  pending: Pending;
}

const emptyPending = (): Pending => ({ records: 0, bytes: 0, offsets: new Map() });

/**
 * One window's deliveries, per subscription. A room's sends accumulate on the room and are
 * settled onto the subscriptions live in it whenever its membership changes and at the drain,
 * so the cost of a send does not grow with the room, and each record sent to each live
 * subscription counts once. Only subscriptions whose socket is in the room are live: one that
 * is catching up or lagging is metered for what its catch-up sends it (`direct`), never for the
 * room's sends it did not get.
 *
 * Plain and deterministic: the usage journal replays the same calls into a fresh tally to
 * rebuild a window a crashed process never reported.
 */
export class UsageTally {
  private readonly rooms = new Map<string, Room>();
  private readonly settled = new Map<string, SubscriptionUsage>();
  private readonly replays = new Map<string, ReplayUsage>();
  /** How far each lineage has been metered; kept across drains (windows). */
  readonly marks = new LineageMarks();

  /** The subscription's socket joined the room: from now on the room's sends count for it. */
  activate(room: string, member: Member): void {
    let entry = this.rooms.get(room);
    if (!entry) this.rooms.set(room, (entry = { members: new Map(), pending: emptyPending() }));
    this.settle(entry);
    entry.members.set(member.subscriptionId, member);
  }

  /** The subscription's socket left the room (lag, end, regroup). */
  deactivate(room: string, subscriptionId: string): void {
    const entry = this.rooms.get(room);
    if (!entry || !entry.members.has(subscriptionId)) return;
    this.settle(entry);
    entry.members.delete(subscriptionId);
    if (entry.members.size === 0) this.rooms.delete(room);
  }

  /** The room was sent records: they count for each subscription live in it. */
  sent(room: string, sent: Sent): void {
    const entry = this.rooms.get(room);
    if (entry) add(entry.pending, sent);
  }

  /** One subscription was sent records on its own (a catch-up). */
  direct(member: Member, sent: Sent): void {
    const pending = emptyPending();
    add(pending, sent);
    this.settleInto(member, pending);
  }

  replayed(replay: ReplayMember, records: number, bytes: number): void {
    if (records === 0) return;
    let usage = this.replays.get(replay.replayId);
    if (!usage) this.replays.set(replay.replayId, (usage = { ...replay, records: 0, bytes: 0 }));
    usage.records += records;
    usage.bytes += bytes;
  }

  meteredThrough(partnerId: string, lineage: string, partition: number): number {
    return this.marks.through(partnerId, lineage, partition);
  }

  /** The live subscriptions of each room (what a new window starts from). */
  live(): Array<{ room: string; member: Member }> {
    const out: Array<{ room: string; member: Member }> = [];
    for (const [room, entry] of this.rooms) for (const member of entry.members.values()) out.push({ room, member });
    return out;
  }

  /** Everything sent since the last drain (subscriptions that left included); the rooms stay. */
  drain(): { subscriptions: SubscriptionUsage[]; replays: ReplayUsage[] } {
    for (const entry of this.rooms.values()) this.settle(entry);
    const subscriptions = [...this.settled.values()];
    const replays = [...this.replays.values()];
    this.settled.clear();
    this.replays.clear();
    return { subscriptions, replays };
  }

  private settle(entry: Room): void {
    if (entry.pending.records === 0) return;
    for (const member of entry.members.values()) this.settleInto(member, entry.pending);
    entry.pending = emptyPending();
  }

  private settleInto(member: Member, pending: Pending): void {
    let usage = this.settled.get(member.subscriptionId);
    if (!usage) this.settled.set(member.subscriptionId, (usage = { ...member, records: 0, bytes: 0, offsets: {} }));
    usage.records += pending.records;
    usage.bytes += pending.bytes;
    for (const [partition, [first, last]] of pending.offsets) {
      const range = usage.offsets[partition];
      usage.offsets[partition] = range ? [Math.min(range[0], first), Math.max(range[1], last)] : [first, last];
      this.marks.raise(member.partnerId, member.lineage, partition, last);
    }
  }
}

function add(pending: Pending, sent: Sent): void {
  pending.records += sent.count;
  pending.bytes += sent.bytes;
  const range = pending.offsets.get(sent.partition);
  pending.offsets.set(sent.partition, range ? [Math.min(range[0], sent.first), Math.max(range[1], sent.last)] : [sent.first, sent.last]);
}
