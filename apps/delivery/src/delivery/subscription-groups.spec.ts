import type { DeliveredRecord } from '@streamgate/contracts';
import { checkFilter } from '@streamgate/entitlements';
import { UsageTally } from '../metering/usage-tally';
import type { Member } from '../metering/usage-tally';
import { SubscriptionGroups } from './subscription-groups';

const record = (n: number, region: string): DeliveredRecord => ({
  stream: 'trades',
  pos: `0:${n}`,
  id: `r${n}`,
  key: null,
  time: '2026-11-28T12:00:00.000Z',
  data: { n, region, trader: 'alice' },
  meta: {},
});
const filter = (source: string) => ({ source, compiled: checkFilter(source) });
let nextId = 0;
const member = (partnerId = 'p1', lineage = `l${nextId}`): Member => ({ subscriptionId: `s${nextId++}`, partnerId, keyId: 'k1', stream: 'trades', lineage });

describe('SubscriptionGroups', () => {
  it('shares one room between subscriptions with the same policy, filter and mode', () => {
    const groups = new SubscriptionGroups(new UsageTally());
    const a = groups.join('trades', { mask: ['data.trader'] }, undefined, false, `s${nextId++}`);
    const b = groups.join('trades', { mask: ['data.trader'] }, undefined, false, `s${nextId++}`);
    const c = groups.join('trades', { mask: ['data.trader'] }, undefined, true, `s${nextId++}`);
    const d = groups.join('trades', {}, undefined, false, `s${nextId++}`);
    const e = groups.join('trades', { mask: ['data.trader'] }, filter('data.n > 1'), false, `s${nextId++}`);
    expect(a.room).toBe(b.room);
    expect(new Set([a.room, c.room, d.room, e.room]).size).toBe(4);
    expect(groups.size).toBe(4);
  });

  it('routes each record once per room with that room view, counting deliveries per member', () => {
    const groups = new SubscriptionGroups(new UsageTally());
    const masked = groups.join('trades', { mask: ['data.trader'], filter: 'data.region == "eu"' }, undefined, false, `s${nextId++}`);
    groups.join('trades', { mask: ['data.trader'], filter: 'data.region == "eu"' }, undefined, false, `s${nextId++}`);
    const narrowed = groups.join('trades', { mask: ['data.trader'], filter: 'data.region == "eu"' }, filter('data.n >= 2'), true, `s${nextId++}`);
    const full = groups.join('trades', {}, undefined, false, `s${nextId++}`);
    const emitted: Array<{ room: string; batch: boolean; ids: string[]; traders: unknown[] }> = [];
    const routed = groups.route('trades', 0, [record(1, 'eu'), record(2, 'us'), record(3, 'eu')], (room, batch, list) =>
      emitted.push({ room, batch, ids: list.map((r) => r.id), traders: list.map((r) => r.data.trader) }),
    );
    expect(emitted).toEqual([
      { room: masked.room, batch: false, ids: ['r1', 'r3'], traders: ['***', '***'] },
      { room: narrowed.room, batch: true, ids: ['r3'], traders: ['***'] },
      { room: full.room, batch: false, ids: ['r1', 'r2', 'r3'], traders: ['alice', 'alice', 'alice'] },
    ]);
    expect(routed).toBe(2 * 2 + 1 + 3);
    expect(groups.route('quotes', 0, [record(1, 'eu')], () => undefined)).toBe(0);
  });

  it('drops empty groups when the last member leaves', () => {
    const groups = new SubscriptionGroups(new UsageTally());
    const ma = member();
    const mb = member();
    const a = groups.join('trades', {}, undefined, false, ma.subscriptionId);
    const b = groups.join('trades', {}, undefined, false, mb.subscriptionId);
    groups.leave(a, ma.subscriptionId);
    expect(groups.size).toBe(1);
    groups.leave(b, mb.subscriptionId);
    expect(groups.size).toBe(0);
    expect(groups.route('trades', 0, [record(1, 'eu')], () => {
      throw new Error('no room should receive');
    })).toBe(0);
  });
});

describe('SubscriptionGroups metering', () => {
  const bytesOf = (r: DeliveredRecord) => Buffer.byteLength(JSON.stringify(r));

  it('counts each record sent to each live subscription once, with exact payload bytes and offsets', () => {
    const usage = new UsageTally();
    const groups = new SubscriptionGroups(usage);
    const early = member('p1');
    const late = member('p2');
    const ref = groups.join('trades', {}, undefined, false, early.subscriptionId);
    groups.live(ref, early);
    const sent: DeliveredRecord[] = [];
    groups.route('trades', 2, [record(10, 'eu'), record(11, 'us')], (_room, _batch, list) => sent.push(...list));
    groups.live(groups.join('trades', {}, undefined, false, late.subscriptionId), late);
    groups.route('trades', 2, [record(12, 'eu')], (_room, _batch, list) => sent.push(...list));
    groups.leave(ref, early.subscriptionId);
    groups.route('trades', 3, [record(4, 'eu')], (_room, _batch, list) => sent.push(...list));
    const drained = usage.drain().subscriptions.sort((x, y) => x.partnerId.localeCompare(y.partnerId));
    expect(drained).toEqual([
      { ...early, records: 3, bytes: sent.slice(0, 3).reduce((n, r) => n + bytesOf(r), 0), offsets: { 2: [10, 12] } },
      { ...late, records: 2, bytes: bytesOf(sent[2]!) + bytesOf(sent[3]!), offsets: { 2: [12, 12], 3: [4, 4] } },
    ]);
    expect(usage.drain().subscriptions).toEqual([]);
  });

  // The +462 of the chaos run: a subscription catching up (or lagging) stayed a metered member
  // of its room, so the room's sends it never got were billed, and billed again when its
  // catch-up sent them.
  it('meters a catching-up or lagging subscription for its catch-up only, never for the room it is not in', () => {
    const usage = new UsageTally();
    const groups = new SubscriptionGroups(usage);
    const live = member('p1');
    const resuming = member('p2');
    const ref = groups.join('trades', {}, undefined, false, live.subscriptionId);
    groups.live(ref, live);
    groups.join('trades', {}, undefined, false, resuming.subscriptionId);
    const emit = () => undefined;
    groups.route('trades', 0, [record(5, 'eu'), record(6, 'eu')], emit);
    // Its catch-up sends it 1..6, then it joins the room.
    expect(groups.viewFor(ref, resuming, 0, [1, 2, 3, 4, 5, 6].map((n) => record(n, 'eu')))).toHaveLength(6);
    groups.live(ref, resuming);
    groups.route('trades', 0, [record(7, 'eu')], emit);
    // It lags: off the room, the room's sends are not its own until it is live again.
    groups.offline(ref, resuming.subscriptionId);
    groups.route('trades', 0, [record(8, 'eu'), record(9, 'eu')], emit);
    const counts = Object.fromEntries(usage.drain().subscriptions.map((u) => [u.partnerId, u.records]));
    expect(counts).toEqual({ p1: 5, p2: 7 });
  });

  // A resume after a crash or a dead connection is sent again what the lost connection may not
  // have delivered; the lineage was metered for it then, so it is not metered twice.
  it('does not meter a resume of the same lineage again for what the lineage was metered for', () => {
    const usage = new UsageTally();
    const groups = new SubscriptionGroups(usage);
    const first = member('p1', 'L');
    const ref = groups.join('trades', {}, undefined, false, first.subscriptionId);
    groups.live(ref, first);
    groups.route('trades', 0, [8, 9, 10].map((n) => record(n, 'eu')), () => undefined);
    groups.leave(ref, first.subscriptionId);
    // The partner got through 8 only; it resumes from there with the same lineage.
    const resumed = member('p1', 'L');
    groups.join('trades', {}, undefined, false, resumed.subscriptionId);
    expect(groups.viewFor(ref, resumed, 0, [9, 10, 11, 12].map((n) => record(n, 'eu')))).toHaveLength(4);
    // Another lineage of the same partner is metered in full.
    const other = member('p1', 'M');
    groups.join('trades', {}, undefined, false, other.subscriptionId);
    groups.viewFor(ref, other, 0, [9, 10].map((n) => record(n, 'eu')));
    const counts = Object.fromEntries(usage.drain().subscriptions.map((u) => [u.subscriptionId, u.records]));
    expect(counts).toEqual({ [first.subscriptionId]: 3, [resumed.subscriptionId]: 2, [other.subscriptionId]: 2 });
  });
});
