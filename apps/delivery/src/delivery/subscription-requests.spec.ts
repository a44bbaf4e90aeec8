import { compileSubscriberFilter, parseReplay, parseSubscribe } from './subscription-requests';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

const refusal = (code: SubscriptionErrorCode) => expect.objectContaining({ name: 'SubscriptionException', code });
const record = (price: number) => ({ data: { price }, meta: {} });

describe('parseSubscribe', () => {
  it('reads { stream } as a live, per-record subscription', () => {
    expect(parseSubscribe({ stream: 'trades' })).toEqual({ stream: 'trades', batch: false, since: undefined });
  });

  it('keeps the filter source without compiling it (that waits for the gate and the limits)', () => {
    expect(parseSubscribe({ stream: 'trades', filter: 'data.price >', batch: true })).toEqual({ stream: 'trades', batch: true, since: undefined, filter: 'data.price >' });
  });

  it('reads since as positions per partition or as a time', () => {
    expect(parseSubscribe({ stream: 'trades', since: { '0': 41, '3': -1 } }).since).toEqual({ '0': 41, '3': -1 });
    expect(parseSubscribe({ stream: 'trades', since: { time: '2026-11-28T12:00:00Z' } }).since).toEqual({ time: '2026-11-28T12:00:00Z' });
    expect(parseSubscribe({ stream: 'trades', since: null }).since).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['no object', 'trades'],
    ['null', null],
    ['an array', [{ stream: 'trades' }]],
    ['no stream', {}],
    ['a stream that is not a string', { stream: 7 }],
    ['batch that is not a boolean', { stream: 'trades', batch: 'yes' }],
    ['since that is not an object', { stream: 'trades', since: 41 }],
    ['since.time that is not ISO-8601', { stream: 'trades', since: { time: 'yesterday' } }],
    ['since with a partition that is not a number', { stream: 'trades', since: { p0: 1 } }],
    ['since with an offset that is not an integer', { stream: 'trades', since: { '0': 1.5 } }],
    ['since with an offset given as a string', { stream: 'trades', since: { '0': '41' } }],
    ['since with an offset below -1', { stream: 'trades', since: { '0': -2 } }],
  ])('refuses %s with INVALID_REQUEST', (_case, request) => {
    expect(() => parseSubscribe(request)).toThrow(refusal(SubscriptionErrorCode.InvalidRequest));
  });

  it('refuses a filter that is not a string with INVALID_FILTER at position 0', () => {
    expect(() => parseSubscribe({ stream: 'trades', filter: { price: 1 } })).toThrow(expect.objectContaining({ code: SubscriptionErrorCode.InvalidFilter, position: 0 }));
  });

});

describe('parseReplay', () => {
  it('reads the range as Kafka timestamps and keeps the filter source', () => {
    const request = parseReplay({ stream: 'trades', from: '2026-11-28T12:00:00Z', to: '2026-11-28T14:00:00.000+01:00', filter: 'data.price > 10' });
    expect(request).toEqual({ stream: 'trades', from: Date.UTC(2026, 10, 28, 12), to: Date.UTC(2026, 10, 28, 13), filter: 'data.price > 10' });
  });

  it('accepts a range of one millisecond', () => {
    expect(parseReplay({ stream: 'trades', from: '2026-11-28T12:00:00.000Z', to: '2026-11-28T12:00:00.001Z' })).toEqual({ stream: 'trades', from: Date.UTC(2026, 10, 28, 12), to: Date.UTC(2026, 10, 28, 12) + 1 });
  });

  it.each<[string, unknown]>([
    ['no object', null],
    ['no stream', { from: '2026-11-28T12:00:00Z', to: '2026-11-28T13:00:00Z' }],
    ['no from', { stream: 'trades', to: '2026-11-28T13:00:00Z' }],
    ['times that are not ISO-8601', { stream: 'trades', from: '2026-11-28', to: '2026-11-29' }],
    ['times as numbers', { stream: 'trades', from: 0, to: 1 }],
    ['an empty range', { stream: 'trades', from: '2026-11-28T12:00:00Z', to: '2026-11-28T12:00:00Z' }],
    ['the same instant in two time zones', { stream: 'trades', from: '2026-11-28T12:00:00Z', to: '2026-11-28T13:00:00+01:00' }],
    ['from after to', { stream: 'trades', from: '2026-11-28T13:00:00Z', to: '2026-11-28T12:00:00Z' }],
  ])('refuses %s with INVALID_REQUEST', (_case, request) => {
    expect(() => parseReplay(request)).toThrow(refusal(SubscriptionErrorCode.InvalidRequest));
  });

  it('refuses a filter that is not a string with INVALID_FILTER', () => {
    expect(() => parseReplay({ stream: 'trades', from: '2026-11-28T12:00:00Z', to: '2026-11-28T13:00:00Z', filter: 7 })).toThrow(refusal(SubscriptionErrorCode.InvalidFilter));
  });
});

describe('compileSubscriberFilter', () => {
  it('compiles a filter', () => {
    const filter = compileSubscriberFilter('data.price > 10');
    expect([filter(record(11)), filter(record(9))]).toEqual([true, false]);
  });

  it('refuses a filter that does not parse with INVALID_FILTER and where it failed', () => {
    expect(() => compileSubscriberFilter('data.price >')).toThrow(expect.objectContaining({ code: SubscriptionErrorCode.InvalidFilter, position: expect.any(Number) }));
    expect(() => compileSubscriberFilter('(')).toThrow(refusal(SubscriptionErrorCode.InvalidFilter));
  });

  it('refuses a filter over the cost budget with INVALID_FILTER', () => {
    const costly = Array.from({ length: 20 }, () => 'data.note').join(' + ') + ' contains "x"';
    expect(() => compileSubscriberFilter(costly)).toThrow(expect.objectContaining({ code: SubscriptionErrorCode.InvalidFilter, message: expect.stringMatching(/too costly/) }));
  });

  it('turns a syntax error into INVALID_FILTER whose ack body carries the position', () => {
    let caught: unknown;
    try {
      compileSubscriberFilter('data.price == == 1');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SubscriptionException);
    const body = (caught as SubscriptionException).toBody();
    expect(body).toEqual({ code: SubscriptionErrorCode.InvalidFilter, message: expect.any(String), position: 14 });
  });
});
