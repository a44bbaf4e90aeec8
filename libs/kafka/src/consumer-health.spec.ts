import { ConsumerHealth } from './consumer-health';

describe('ConsumerHealth', () => {
  it('clears a client crash (coordinator loading) at the next fetch, even when no batch follows', () => {
    const health = new ConsumerHealth();
    health.crashed(new Error('The coordinator is loading'));
    expect(health.problem('g')).toBe('consumer g crashed: The coordinator is loading');
    health.fetched();
    expect(health.problem('g')).toBeUndefined();
  });

  it('keeps a handler crash (a poison batch) red through fetches until a batch is handled', () => {
    const health = new ConsumerHealth();
    health.handlerFailed();
    health.crashed(new Error('poison'));
    health.fetched();
    expect(health.problem('g')).toMatch(/poison/);
    health.handled();
    expect(health.problem('g')).toBeUndefined();
  });

  it('backs restarts off, and starts over once a batch is handled', () => {
    const health = new ConsumerHealth();
    expect([1, 2, 3, 4, 5, 6].map(() => health.nextRestartDelay())).toEqual([1_000, 2_000, 5_000, 10_000, 30_000, 30_000]);
    health.handled();
    expect(health.nextRestartDelay()).toBe(1_000);
  });
});
