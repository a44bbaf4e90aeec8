import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageJournal } from './usage-journal';

const member = { subscriptionId: 's1', partnerId: 'p', keyId: 'k', stream: 'x', lineage: 'L1' };

describe('UsageJournal', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'usage-journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds each window of a dead process, room members carried into the next window, a torn last line skipped', () => {
    const dead = new UsageJournal(dir);
    expect(dead.open(1_000)).toEqual([]);
    dead.append({ t: 'a', r: 'g0', m: member });
    dead.append({ t: 's', r: 'g0', x: { partition: 1, first: 5, last: 9, count: 5, bytes: 500 } });
    dead.rotate(2_000, [{ room: 'g0', member }], [{ partnerId: 'p', lineage: 'L1', partition: 1, offset: 9 }]);
    dead.append({ t: 's', r: 'g0', x: { partition: 1, first: 10, last: 10, count: 1, bytes: 100 } });
    dead.append({ t: 'p', m: { replayId: 'r1', partnerId: 'p', keyId: 'k', stream: 'x' }, n: 3, b: 30 });
    // SIGKILL in the middle of a write.
    const files = readdirSync(dir).filter((f) => f.startsWith('usage-')).sort();
    appendFileSync(join(dir, files[1] as string), '{"t":"s","r":"g0","x":{"parti');

    const next = new UsageJournal(dir);
    const windows = next.open(3_000).map((w) => ({ start: w.windowStart.getTime(), subscriptions: w.subscriptions, replays: w.replays, marks: w.marks, unreadable: w.unreadable }));
    const mark = (offset: number) => [{ partnerId: 'p', lineage: 'L1', partition: 1, offset }];
    expect(windows).toEqual([
      { start: 1_000, subscriptions: [{ ...member, records: 5, bytes: 500, offsets: { 1: [5, 9] } }], replays: [], marks: mark(9), unreadable: 0 },
      {
        start: 2_000,
        subscriptions: [{ ...member, records: 1, bytes: 100, offsets: { 1: [10, 10] } }],
        replays: [{ replayId: 'r1', partnerId: 'p', keyId: 'k', stream: 'x', records: 3, bytes: 30 }],
        // Carried from the first window, then moved by this one's send.
        marks: mark(10),
        unreadable: 1,
      },
    ]);
    // Reported: the dead process's files go; a clean stop leaves nothing.
    next.prune();
    next.close({ discard: true });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a directory another live process holds', () => {
    writeFileSync(join(dir, 'owner.pid'), '4242');
    expect(() => new UsageJournal(dir).open(1_000, () => true)).toThrow(/held by process 4242/);
    // A dead owner's directory is taken over.
    expect(new UsageJournal(dir).open(1_000, () => false)).toEqual([]);
  });
});
