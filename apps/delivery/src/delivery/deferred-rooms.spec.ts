import { DeferredRooms } from './deferred-rooms';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const turns = () => new Promise((resolve) => setImmediate(resolve));

describe('DeferredRooms', () => {
  it('runs cheap work at once and costly work later, in order per room, round-robin between rooms', async () => {
    const rooms = new DeferredRooms();
    const log: string[] = [];
    // First batches are measured inline: a and b prove costly (2 ms for one record), c is cheap.
    rooms.run('a', 1, () => (busy(2), log.push('a1')));
    rooms.run('b', 1, () => (busy(2), log.push('b1')));
    rooms.run('c', 1, () => log.push('c1'));
    expect(log).toEqual(['a1', 'b1', 'c1']);
    // From now on a and b wait for the next turns; c still goes at once.
    for (const n of [2, 3]) {
      rooms.run('a', 1, () => log.push(`a${n}`));
      rooms.run('b', 1, () => log.push(`b${n}`));
      rooms.run('c', 1, () => log.push(`c${n}`));
    }
    expect(log).toEqual(['a1', 'b1', 'c1', 'c2', 'c3']);
    expect(rooms.queued).toBe(4);
    for (let i = 0; i < 5 && rooms.queued > 0; i++) await turns();
    expect(log.slice(5)).toEqual(['a2', 'b2', 'a3', 'b3']);
  });

  it('runs a room out before a socket joins or leaves it, and drops the queue of a room that is gone', () => {
    const rooms = new DeferredRooms();
    const log: string[] = [];
    rooms.run('a', 1, () => (busy(2), log.push('a1')));
    rooms.run('a', 1, () => log.push('a2'));
    rooms.run('a', 1, () => log.push('a3'));
    rooms.flush('a');
    expect(log).toEqual(['a1', 'a2', 'a3']);
    rooms.run('a', 1, () => log.push('a4'));
    rooms.drop('a');
    expect(rooms.queued).toBe(0);
  });

  it('bounds a room that cannot keep up: its queue runs inline once full', () => {
    const overflows: string[] = [];
    const rooms = new DeferredRooms((room) => overflows.push(room));
    let ran = 0;
    rooms.run('a', 1, () => (busy(2), ran++));
    for (let i = 0; i < 300; i++) rooms.run('a', 1, () => ran++);
    expect(rooms.queued).toBeLessThanOrEqual(256);
    expect(overflows.length).toBeGreaterThan(0);
    expect(ran).toBeGreaterThan(1);
  });
});
