import { readFileSync, readdirSync } from 'node:fs';
import { waitFor } from './wait';

// Faults for chaos tests, on processes the test started itself: a hang (SIGSTOP … SIGCONT,
// as a stalled VM, a GC pause or a network partition look to clients: connections stay open,
// nothing answers) and a crash (SIGKILL: no shutdown hook, nothing flushed). Linux only (/proc).

/** `root` and every process below it. PostgreSQL's backends are session leaders, so a process group would miss them. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const ppid = parentOf(pid);
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** The state letter of /proc/<pid>/stat: `T` while stopped, undefined once gone. */
export function processState(pid: number): string | undefined {
  const stat = readStat(pid);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

export interface PausedProcesses {
  readonly pids: readonly number[];
  /** SIGCONT to every paused process (once); returns how long they were paused, in ms. */
  resume(): number;
}

/**
 * SIGSTOPs `root` and its descendants (the root first, so it forks no new child meanwhile).
 * Signals are delivered asynchronously: /proc shows `T` once the kernel has stopped each one.
 * They are resumed by `resume()`, at the latest after `maxMs`, and when this process exits: a
 * failing test never leaves a broker or database stopped.
 */
export function pauseTree(root: number, { maxMs }: { maxMs: number }): PausedProcesses {
  const paused: number[] = [];
  for (;;) {
    const fresh = processTree(root).filter((pid) => !paused.includes(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) if (signal(pid, 'SIGSTOP')) paused.push(pid);
    if (!paused.includes(root)) throw new Error(`process ${root} is not running`);
  }
  const pausedAt = Date.now();
  let resumedAfter: number | undefined;
  const resume = (): number => {
    if (resumedAfter === undefined) {
      resumedAfter = Date.now() - pausedAt;
      clearTimeout(deadline);
      process.off('exit', resume);
      for (const pid of paused) signal(pid, 'SIGCONT');
    }
    return resumedAfter;
  };
  // Unref'd: it must not keep the process alive; the exit hook resumes them then.
  const deadline = setTimeout(resume, maxMs).unref();
  process.once('exit', resume);
  return { pids: paused, resume };
}

/** Pauses `root`'s tree for `ms` (the fault's length, not a wait for a condition), then resumes it. */
export async function pauseTreeFor(root: number, ms: number): Promise<{ pids: readonly number[]; pausedMs: number }> {
  const paused = pauseTree(root, { maxMs: ms + 5_000 });
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    paused.resume();
  }
  return { pids: paused.pids, pausedMs: paused.resume() };
}

/** What a crash needs of an app: its current pid, and a readiness probe (default GET <url>/health/ready). */
export interface CrashTarget {
  readonly app: string;
  readonly pid?: number;
  readonly url?: string;
}

export interface Restart {
  app: string;
  killedPid: number;
  restartedPid: number;
  /** From the SIGKILL to the new process answering ready. */
  ms: number;
}

/**
 * SIGKILLs the app's process and waits until another process of it (started by a Supervisor,
 * or by `restart`) answers ready. Fails after `timeoutMs`.
 */
export async function killAndAwaitRestart(
  target: CrashTarget,
  { timeoutMs = 60_000, restart, ready = () => readyAt(target) }: { timeoutMs?: number; restart?: () => Promise<void>; ready?: () => Promise<boolean> } = {},
): Promise<Restart> {
  const killedPid = target.pid;
  if (killedPid === undefined || !signal(killedPid, 'SIGKILL')) throw new Error(`${target.app} is not running`);
  const at = Date.now();
  if (restart) {
    await waitFor(`${target.app} (pid ${killedPid}) to die`, async () => processState(killedPid) === undefined || processState(killedPid) === 'Z', { timeoutMs, intervalMs: 20 });
    await restart();
  }
  const restartedPid = await waitFor(`${target.app} to be restarted and ready`, async () => {
    const pid = target.pid;
    return pid !== undefined && pid !== killedPid && (await ready()) && pid;
  }, { timeoutMs, intervalMs: 100 });
  return { app: target.app, killedPid, restartedPid, ms: Date.now() - at };
}

async function readyAt(target: CrashTarget): Promise<boolean> {
  if (!target.url) throw new Error(`${target.app} has no url to probe; pass ready`);
  const res = await fetch(`${target.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
  return res.status === 200;
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

function readStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

// The command name may hold spaces and parentheses: the fields start after the last ')'.
function parentOf(pid: number): number | undefined {
  const stat = readStat(pid);
  if (!stat) return undefined;
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}
