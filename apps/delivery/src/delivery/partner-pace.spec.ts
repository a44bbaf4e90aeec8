import { PartnerPace } from './partner-pace';

describe('PartnerPace', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('makes a partner wait n/rate seconds per n records, shared by its flows; others are not held', async () => {
    const pace = new PartnerPace();
    const done: string[] = [];
    void pace.pay('p1', 100, 100).then(() => done.push('p1 first'));
    void pace.pay('p1', 100, 100).then(() => done.push('p1 second'));
    void pace.pay('p2', 100, 100).then(() => done.push('p2'));
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(done.sort()).toEqual(['p1 first', 'p2']);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(done).toContain('p1 second');
  });

  it('stops waiting when aborted', async () => {
    const pace = new PartnerPace();
    const abort = new AbortController();
    const wait = pace.pay('p1', 1_000, 10, abort.signal);
    abort.abort(new Error('revoked'));
    await expect(wait).rejects.toThrow();
  });
});
