import { DedupeWindow, ENTRY_OVERHEAD_BYTES, entryBytes } from './dedupe-window';

describe('DedupeWindow', () => {
  it('remembers an id per stream for the window, then forgets it', () => {
    const window = new DedupeWindow(1_000, 1_000_000);
    window.add('trades', 'a', 0);
    expect(window.has('trades', 'a', 999)).toBe(true);
    expect(window.has('quotes', 'a', 999)).toBe(false);
    expect(window.has('trades', 'a', 1_000)).toBe(false);
  });

  it('evicts expired ids as new ones arrive, so memory follows the rate, not the history', () => {
    const window = new DedupeWindow(1_000, 1_000_000_000);
    for (let t = 0; t < 10_000; t++) window.add('s', `id-${t}`, t);
    expect(window.size).toBeLessThanOrEqual(1_001);
    expect(window.has('s', 'id-9999', 9_999)).toBe(true);
    expect(window.has('s', 'id-8000', 9_999)).toBe(false);
  });

  it('counts each entry at its overhead plus its strings: one byte per Latin-1 character, else two', () => {
    // `trades\0` is 7 characters (16 + 7 → 24 bytes); an id of 256 Latin-1 characters 16 + 256 = 272.
    expect(entryBytes('trades', 'x'.repeat(256))).toBe(ENTRY_OVERHEAD_BYTES + 24 + 272);
    expect(entryBytes('trades', 'é'.repeat(256))).toBe(ENTRY_OVERHEAD_BYTES + 24 + 272);
    expect(entryBytes('trades', 'ж'.repeat(256))).toBe(ENTRY_OVERHEAD_BYTES + 24 + 528);
    expect(entryBytes('trades', 'a')).toBe(ENTRY_OVERHEAD_BYTES + 24 + 24);
  });

  it('never holds more bytes than its budget, forgetting the oldest first', () => {
    const cost = entryBytes('s', 'id-0');
    const window = new DedupeWindow(60_000, 3 * cost);
    for (const id of ['id-0', 'id-1', 'id-2', 'id-3']) window.add('s', id, 0);
    expect(window.size).toBe(3);
    expect(window.bytes).toBe(3 * cost);
    expect(window.has('s', 'id-0', 1)).toBe(false);
    expect(window.has('s', 'id-3', 1)).toBe(true);
  });

  it('holds fewer long ids than short ones in the same budget, and as many bytes of each', () => {
    const budget = 100 * 1024;
    const short = new DedupeWindow(60_000, budget);
    const long = new DedupeWindow(60_000, budget);
    const wide = new DedupeWindow(60_000, budget);
    for (let n = 0; n < 10_000; n++) {
      short.add('trades', `o-${n}`, n);
      long.add('trades', String(n).padStart(256, 'x'), n);
      wide.add('trades', String(n).padStart(256, 'ж'), n);
    }
    for (const window of [short, long, wide]) {
      expect(window.bytes).toBeLessThanOrEqual(budget);
      expect(window.bytes).toBeGreaterThan(budget - entryBytes('trades', 'ж'.repeat(256)));
    }
    expect(short.size).toBe(Math.floor(budget / entryBytes('trades', 'o-9999')));
    expect(long.size).toBe(Math.floor(budget / entryBytes('trades', 'x'.repeat(256))));
    expect(wide.size).toBe(Math.floor(budget / entryBytes('trades', 'ж'.repeat(256))));
    expect(long.has('trades', String(9_999).padStart(256, 'x'), 10_000)).toBe(true);
    expect(long.has('trades', String(0).padStart(256, 'x'), 10_000)).toBe(false);
  });

  it('frees the bytes of expired and re-added ids, and keeps none over a budget smaller than one entry', () => {
    const window = new DedupeWindow(10, 1_000_000);
    window.add('s', 'a', 0);
    window.add('s', 'a', 5);
    expect(window.bytes).toBe(entryBytes('s', 'a'));
    window.add('s', 'b', 20);
    expect([window.size, window.bytes]).toEqual([1, entryBytes('s', 'b')]);
    const tiny = new DedupeWindow(60_000, entryBytes('s', 'a') - 1);
    tiny.add('s', 'a', 0);
    expect([tiny.size, tiny.bytes]).toEqual([0, 0]);
  });

  it('is off with a zero window or a zero budget', () => {
    const window = new DedupeWindow(0, 1_000_000);
    window.add('s', 'a', 0);
    expect(window.has('s', 'a', 0)).toBe(false);
    const none = new DedupeWindow(60_000, 0);
    none.add('s', 'a', 0);
    expect([none.has('s', 'a', 0), none.size]).toEqual([false, 0]);
  });
});
