import { usageEvent, violation } from './codecs.fixtures';
import { usageEventsCodec } from './usage-codec';

describe('usage.events', () => {
  it('round-trips a usage event keyed by its partner', () => {
    const message = usageEventsCodec.encode(usageEvent);
    expect(message).toEqual({ key: 'ptn_a', value: JSON.stringify(usageEvent) });
    expect(usageEventsCodec.decode({ key: Buffer.from(message.key), value: Buffer.from(message.value) })).toEqual(usageEvent);
  });

  it('checks the key when the message has one (a reader keeping values only passes none)', () => {
    const value = JSON.stringify(usageEvent);
    expect(violation(() => usageEventsCodec.decode({ key: Buffer.from('ptn_b'), value }))).toBe('INVALID_KEY usage event: key "ptn_b" is not the partner id "ptn_a"');
    expect(violation(() => usageEventsCodec.decode({ key: null, value }))).toBe('INVALID_KEY usage event: key null is not the partner id "ptn_a"');
    expect(usageEventsCodec.decode({ value })).toEqual(usageEvent);
  });

  it.each([
    [{ id: '' }, 'id must be a string of 1..512 characters'],
    [{ partnerId: 7 }, 'partnerId is required'],
    [{ stream: 3 }, 'stream must be a string or null'],
    [{ source: undefined }, 'source must be a string'],
    [{ windowEnd: 'soon' }, 'windowStart and windowEnd must be ISO-8601'],
    [{ windowStart: '1970-01-01T00:00:00.000Z' }, 'windowStart must lie between the years 2000 and 9998'],
    [{ counters: { recordsDelivered: 1.5 } }, 'counter recordsDelivered must be a non-negative safe integer'],
    [{ counters: { connectionSeconds: -1 } }, 'counter connectionSeconds must be a non-negative number'],
    [{ offsets: { '0': [1] } }, 'offsets must map partitions to [first, last] offsets'],
    [{ keyId: 5 }, 'keyId must be a string when present'],
  ])('refuses %j: %s', (change, reason) => {
    expect(violation(() => usageEventsCodec.decode({ value: JSON.stringify({ ...usageEvent, ...change }) }))).toBe(`INVALID_VALUE usage event: ${reason}`);
  });

  it('refuses what is not JSON, or no value at all', () => {
    expect(violation(() => usageEventsCodec.decode({ value: 'nope' }))).toMatch(/^INVALID_JSON usage event: not JSON/);
    expect(violation(() => usageEventsCodec.decode({ value: null }))).toBe('MISSING_VALUE usage event: no value');
  });
});
