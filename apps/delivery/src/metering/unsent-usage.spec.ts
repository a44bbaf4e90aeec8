import type { UsageEvent } from '@streamgate/contracts';
import { UnsentUsage } from './unsent-usage';

const event = (id: string): UsageEvent => ({ id, partnerId: 'p', keyId: 'k', stream: 's', source: 'delivery', windowStart: '', windowEnd: '', counters: { recordsDelivered: 1 } });

describe('UnsentUsage', () => {
  it('keeps events until they are sent, oldest first', () => {
    const unsent = new UnsentUsage(10);
    unsent.add([event('a'), event('b')]);
    unsent.add([event('c')]);
    expect(unsent.peek().map((e) => e.id)).toEqual(['a', 'b', 'c']);
    unsent.sent(2);
    expect(unsent.peek().map((e) => e.id)).toEqual(['c']);
  });

  it('drops the oldest past its bound and says how many', () => {
    const unsent = new UnsentUsage(3);
    expect(unsent.add([event('a'), event('b')])).toBe(0);
    expect(unsent.add([event('c'), event('d'), event('e')])).toBe(2);
    expect(unsent.peek().map((e) => e.id)).toEqual(['c', 'd', 'e']);
  });

  it('backs off exponentially after failures, up to the cap, and resets on success', () => {
    const unsent = new UnsentUsage(10, { baseMs: 100, maxMs: 350 });
    unsent.add([event('a')]);
    expect(unsent.due(0)).toBe(true);
    expect(unsent.failed(0)).toBe(100);
    expect(unsent.due(99)).toBe(false);
    expect(unsent.due(100)).toBe(true);
    expect(unsent.failed(100)).toBe(200);
    expect(unsent.failed(300)).toBe(350);
    unsent.sent(1);
    expect(unsent.due(300)).toBe(false);
    unsent.add([event('b')]);
    expect(unsent.due(300)).toBe(true);
    expect(unsent.failed(300)).toBe(100);
  });
});
