import { PacketType } from 'socket.io-parser';
import { SocketEvent } from '@streamgate/contracts';
import type { DeliveredRecord } from '@streamgate/contracts';
import { checkFilter, compilePolicy } from '@streamgate/entitlements';
import { filterViews, offsetOf, viewRecords } from './delivery-view';
import { preserializingParser } from './preserialized-parser';

const record = (offset: number, trader: string, region = 'eu', stream = 'trades'): DeliveredRecord => ({
  stream,
  pos: `2:${offset}`,
  id: `r${offset}`,
  key: null,
  time: '2026-11-28T12:00:00.000Z',
  data: { price: offset, trader, region },
  meta: { tier: 'gold' },
});
const masked = compilePolicy({ mask: ['data.trader'] });
const ids = (views: { record: DeliveredRecord }[]) => views.map((v) => v.record.id);

describe('viewRecords', () => {
  it('applies the policy: row filter on the full record, projection, then masks', () => {
    const policy = compilePolicy({ filter: 'data.trader == "alice"', fields: ['data.price', 'data.trader'], mask: ['data.trader'] });
    const views = viewRecords('trades', policy, [record(1, 'alice'), record(2, 'bob')]);
    expect(views.map((v) => v.record)).toEqual([{ ...record(1, 'alice'), data: { price: 1, trader: '***' }, meta: {} }]);
  });

  it('skips a record whose view cannot be serialized (nested too deep) and reports it; the rest of the batch goes on', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const bad = { ...record(2, 'eve'), data: deep };
    const errors: string[] = [];
    const views = viewRecords('trades', compilePolicy({}), [record(1, 'alice'), bad, record(3, 'bob')], { onError: (r, e) => errors.push(`${r.id}: ${e.name}`) });
    expect(ids(views)).toEqual(['r1', 'r3']);
    expect(errors).toEqual(['r2: RangeError']);
  });

  it('evaluates the subscriber filter on the masked view, so it cannot probe a hidden value', () => {
    const records = [record(1, 'alice'), record(2, 'bob')];
    expect(viewRecords('trades', masked, records, { filter: checkFilter('data.trader == "alice"') })).toEqual([]);
    expect(viewRecords('trades', masked, records, { filter: checkFilter('data.trader != "alice"') })).toHaveLength(2);
    expect(ids(viewRecords('trades', masked, records, { filter: checkFilter('data.trader == "***" && data.price > 1') }))).toEqual(['r2']);
  });

  it('evaluates the subscriber filter on the projection, so a field left out reads as absent', () => {
    const projected = compilePolicy({ fields: ['data.price'] });
    expect(viewRecords('trades', projected, [record(1, 'alice')], { filter: checkFilter('data.region == "eu"') })).toEqual([]);
  });

  it('drops records of other streams', () => {
    const views = viewRecords('trades', masked, [record(1, 'alice'), record(2, 'alice', 'eu', 'quotes'), record(3, 'bob')]);
    expect(ids(views)).toEqual(['r1', 'r3']);
  });

  it('marks replayed records, and only those', () => {
    const [replayed] = viewRecords('trades', masked, [record(1, 'alice')], { replay: true });
    const [live] = viewRecords('trades', masked, [record(1, 'alice')]);
    expect(replayed?.record.replay).toBe(true);
    expect(JSON.parse(replayed?.json ?? '{}')).toMatchObject({ replay: true });
    expect(live?.record).not.toHaveProperty('replay');
  });

  it('serializes each view once: the JSON, its exact byte count and its offset, never a masked value', () => {
    const [view] = viewRecords('trades', masked, [record(41, 'zoë')]);
    expect(view?.json).toBe(JSON.stringify(view?.record));
    expect(view?.json).not.toContain('zoë');
    expect(view?.bytes).toBe(Buffer.byteLength(view?.json ?? ''));
    expect(view?.offset).toBe(41);
  });

  it('hands the wire encoder that same JSON, so a broadcast does not serialize again', () => {
    const [view] = viewRecords('trades', masked, [record(1, 'alice')]);
    const encoded = new preserializingParser.Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: [SocketEvent.Record, view?.record] });
    expect(encoded).toEqual([`2["record",${view?.json}]`]);
  });

  it('never mutates the records it is given', () => {
    const input = record(1, 'alice');
    const copy = structuredClone(input);
    viewRecords('trades', masked, [input], { replay: true });
    expect(input).toEqual(copy);
  });
});

describe('filterViews', () => {
  it('narrows views already computed for a group by a subscriber filter on the masked record', () => {
    const views = viewRecords('trades', masked, [record(1, 'alice', 'eu'), record(2, 'bob', 'us')]);
    expect(filterViews(views, undefined)).toBe(views);
    expect(ids(filterViews(views, checkFilter('data.region == "us"')))).toEqual(['r2']);
    expect(filterViews(views, checkFilter('data.trader == "bob"'))).toEqual([]);
  });
});

describe('offsetOf', () => {
  it('reads the offset of a pos', () => {
    expect(offsetOf('12:345')).toBe(345);
  });
});
