import { DedupeWindow } from './dedupe-window';

describe('DedupeWindow', () => {
  it('remembers an id per stream for the window, then forgets it', () => {
    const window = new DedupeWindow(1_000, 100);
    window.add('trades', 'a', 0);
    expect(window.has('trades', 'a', 999)).toBe(true);
    expect(window.has('quotes', 'a', 999)).toBe(false);
    expect(window.has('trades', 'a', 1_000)).toBe(false);
  });

  it('evicts expired ids as new ones arrive, so memory follows the rate, not the history', () => {
    const window = new DedupeWindow(1_000, 1_000_000);
    for (let t = 0; t < 10_000; t++) window.add('s', `id-${t}`, t);
    expect(window.size).toBeLessThanOrEqual(1_001);
    expect(window.has('s', 'id-9999', 9_999)).toBe(true);
    expect(window.has('s', 'id-8000', 9_999)).toBe(false);
  });

  it('never holds more than maxIds, forgetting the oldest first', () => {
    const window = new DedupeWindow(60_000, 3);
    for (const id of ['a', 'b', 'c', 'd']) window.add('s', id, 0);
    expect(window.size).toBe(3);
    expect(window.has('s', 'a', 1)).toBe(false);
    expect(window.has('s', 'd', 1)).toBe(true);
  });

  it('is off with a zero window', () => {
    const window = new DedupeWindow(0, 10);
    window.add('s', 'a', 0);
    expect(window.has('s', 'a', 0)).toBe(false);
  });
});
