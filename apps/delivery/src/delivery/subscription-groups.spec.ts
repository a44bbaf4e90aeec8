import type { DeliveredRecord } from '@streamgate/contracts';
import { checkFilter } from '@streamgate/entitlements';
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

describe('SubscriptionGroups', () => {
  it('shares one room between subscriptions with the same policy, filter and mode', () => {
    const groups = new SubscriptionGroups();
    const a = groups.join('trades', { mask: ['data.trader'] }, undefined, false);
    const b = groups.join('trades', { mask: ['data.trader'] }, undefined, false);
    const c = groups.join('trades', { mask: ['data.trader'] }, undefined, true);
    const d = groups.join('trades', {}, undefined, false);
    const e = groups.join('trades', { mask: ['data.trader'] }, filter('data.n > 1'), false);
    expect(a.room).toBe(b.room);
    expect(new Set([a.room, c.room, d.room, e.room]).size).toBe(4);
    expect(groups.size).toBe(4);
  });

  it('routes each record once per room with that room view, counting deliveries per member', () => {
    const groups = new SubscriptionGroups();
    const masked = groups.join('trades', { mask: ['data.trader'], filter: 'data.region == "eu"' }, undefined, false);
    groups.join('trades', { mask: ['data.trader'], filter: 'data.region == "eu"' }, undefined, false);
    const narrowed = groups.join('trades', { mask: ['data.trader'], filter: 'data.region == "eu"' }, filter('data.n >= 2'), true);
    const full = groups.join('trades', {}, undefined, false);
    const emitted: Array<{ room: string; batch: boolean; ids: string[]; traders: unknown[] }> = [];
    const routed = groups.route('trades', [record(1, 'eu'), record(2, 'us'), record(3, 'eu')], (room, batch, list) =>
      emitted.push({ room, batch, ids: list.map((r) => r.id), traders: list.map((r) => r.data.trader) }),
    );
    expect(emitted).toEqual([
      { room: masked.room, batch: false, ids: ['r1', 'r3'], traders: ['***', '***'] },
      { room: narrowed.room, batch: true, ids: ['r3'], traders: ['***'] },
      { room: full.room, batch: false, ids: ['r1', 'r2', 'r3'], traders: ['alice', 'alice', 'alice'] },
    ]);
    expect(routed).toBe(2 * 2 + 1 + 3);
    expect(groups.route('quotes', [record(1, 'eu')], () => undefined)).toBe(0);
  });

  it('drops empty groups when the last member leaves', () => {
    const groups = new SubscriptionGroups();
    const a = groups.join('trades', {}, undefined, false);
    const b = groups.join('trades', {}, undefined, false);
    groups.leave(a);
    expect(groups.size).toBe(1);
    groups.leave(b);
    expect(groups.size).toBe(0);
    expect(groups.route('trades', [record(1, 'eu')], () => {
      throw new Error('no room should receive');
    })).toBe(0);
  });
});
