import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Mark } from './lineage-marks';
import { UsageTally } from './usage-tally';
import type { Member, ReplayMember, ReplayUsage, Sent, SubscriptionUsage } from './usage-tally';

/** One line of a journal file: the UsageTally call it replays. */
export type JournalEntry =
  | { t: 'a'; r: string; m: Member }
  | { t: 'd'; r: string; s: string }
  | { t: 's'; r: string; x: Sent }
  | { t: 'c'; m: Member; x: Sent }
  | { t: 'p'; m: ReplayMember; n: number; b: number }
  | { t: 'k'; k: Mark };

/** A window rebuilt from the journal of a process that did not report it. */
export interface RecoveredWindow {
  windowStart: Date;
  windowEnd: Date;
  subscriptions: SubscriptionUsage[];
  replays: ReplayUsage[];
  /** How far each lineage was metered when the window ended. */
  marks: Mark[];
  /** Lines that could not be read (a write cut short by the crash). */
  unreadable: number;
}

// usage-<window start, ms>-<process run>.jsonl
const FILE = /^usage-(\d+)-[0-9a-f]+\.jsonl$/;
const OWNER = 'owner.pid';

/**
 * Delivery's write-ahead log of usage: every tally call is appended to the current window's
 * file before the records it meters are pushed, so a SIGKILLed process's unreported windows
 * are rebuilt by the next process on the same directory (the pod's volume) and reported with
 * the same deterministic event ids. Process crashes only: the page cache survives them, so no
 * fsync on the hot path. One file per window; a window's file goes once its events are
 * written to usage.events. One process per directory (owner.pid).
 */
export class UsageJournal {
  private fd?: number;
  private current?: string;
  /** Files of closed windows whose events may still be unsent. */
  private readonly closed: string[] = [];
  private readonly run = randomBytes(4).toString('hex');

  constructor(private readonly dir: string) {}

  /**
   * Takes the directory (refused while another live process holds it) and reads the windows a
   * previous process left; their files stay until `prune`.
   */
  open(windowStart: number, isAlive: (pid: number) => boolean = processAlive): RecoveredWindow[] {
    mkdirSync(this.dir, { recursive: true });
    const owner = join(this.dir, OWNER);
    if (existsSync(owner)) {
      const pid = Number(readFileSync(owner, 'utf8'));
      if (pid !== process.pid && Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new Error(`usage journal ${this.dir} is held by process ${pid}: give each delivery instance its own USAGE_JOURNAL_DIR`);
      }
    }
    writeFileSync(owner, String(process.pid));
    const files = readdirSync(this.dir)
      .map((name) => ({ name, start: FILE.exec(name)?.[1] }))
      .filter((f): f is { name: string; start: string } => f.start !== undefined)
      .sort((a, b) => Number(a.start) - Number(b.start));
    const recovered = files.map((f) => {
      const path = join(this.dir, f.name);
      this.closed.push(path);
      return recover(path, Number(f.start));
    });
    this.start(windowStart, []);
    return recovered;
  }

  append(entry: JournalEntry): void {
    if (this.fd !== undefined) writeSync(this.fd, JSON.stringify(entry) + '\n');
  }

  /** Closes the current window's file and starts the next one with the rooms' live members and the lineages' marks. */
  rotate(windowStart: number, live: Array<{ room: string; member: Member }>, marks: Mark[]): void {
    // Never opened (a recorder in a unit test): memory only.
    if (!this.current) return;
    this.closeCurrent();
    if (this.current) this.closed.push(this.current);
    this.start(windowStart, [...marks.map((k): JournalEntry => ({ t: 'k', k })), ...live.map(({ room, member }): JournalEntry => ({ t: 'a', r: room, m: member }))]);
  }

  /** Every closed window's events are on usage.events: their files go. */
  prune(): void {
    for (const path of this.closed.splice(0)) rmSync(path, { force: true });
  }

  /** A clean stop after everything was reported: nothing is left to recover. */
  close({ discard }: { discard: boolean }): void {
    this.closeCurrent();
    if (discard) {
      this.prune();
      if (this.current) rmSync(this.current, { force: true });
      rmSync(join(this.dir, OWNER), { force: true });
    }
    this.current = undefined;
  }

  private start(windowStart: number, entries: JournalEntry[]): void {
    this.current = join(this.dir, `usage-${windowStart}-${this.run}.jsonl`);
    this.fd = openSync(this.current, 'a');
    writeSync(this.fd, entries.map((e) => JSON.stringify(e) + '\n').join(''));
  }

  private closeCurrent(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Replays one window's file into a fresh tally. */
export function recover(path: string, windowStart: number): RecoveredWindow {
  const tally = new UsageTally();
  let unreadable = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      apply(tally, JSON.parse(line) as JournalEntry);
    } catch {
      unreadable++;
    }
  }
  const { subscriptions, replays } = tally.drain();
  return { windowStart: new Date(windowStart), windowEnd: statSync(path).mtime, subscriptions, replays, marks: tally.marks.all(), unreadable };
}

export function apply(tally: UsageTally, entry: JournalEntry): void {
  switch (entry.t) {
    case 'a':
      return tally.activate(entry.r, entry.m);
    case 'd':
      return tally.deactivate(entry.r, entry.s);
    case 's':
      return tally.sent(entry.r, entry.x);
    case 'c':
      return tally.direct(entry.m, entry.x);
    case 'p':
      return tally.replayed(entry.m, entry.n, entry.b);
    case 'k':
      return tally.marks.raise(entry.k.partnerId, entry.k.lineage, entry.k.partition, entry.k.offset);
    default:
      throw new Error('unknown journal entry');
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
