// Per-second samples of a benchmark scenario: CPU of each process (from /proc), event-loop
// delay of each app and consumer lag of each hop (from the apps' /metrics), and the record
// age histograms of each hop, diffed over the scenario (where the latency is spent).
import { readFileSync, readdirSync } from 'node:fs';

/** A named group of processes: fixed pids, or every process whose command line matches, with its descendants. */
export interface ProcessGroup {
  name: string;
  pids?: () => number[];
  match?: string;
}

export interface App {
  name: string;
  url: string;
}

export interface Sample {
  /** Seconds since the scenario started. */
  t: number;
  /** Per process group, % of one core. */
  cpu: Record<string, number>;
  /** Per app, p99 event-loop delay over the second, ms. */
  eventLoopP99Ms: Record<string, number>;
  /** Per consumer, records behind the end of the log at its last handled batch. */
  lag: Record<string, number>;
}

/** Upper bounds (ms) of the record-age buckets holding the p50 / p99 of a hop. */
export interface HopLatency {
  records: number;
  /** Null when no record went through, or above the largest bucket (5 min). */
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface ScenarioSamples {
  timeline: Sample[];
  /** Mean CPU % of one core per process group over the scenario. */
  cpuPercent: Record<string, number>;
  /** CPU seconds per process group over the scenario. */
  cpuSeconds: Record<string, number>;
  eventLoopP99MaxMs: Record<string, number>;
  lagMax: Record<string, number>;
  /** Per consumer: age of records when their handling started (from the previous hop's write). */
  hops: Record<string, HopLatency>;
}

const TICKS_PER_SECOND = 100;

function allProcesses(): Array<{ pid: number; ppid: number; ticks: number; cmdline: string }> {
  const list: Array<{ pid: number; ppid: number; ticks: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      list.push({ pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return list;
}

/** CPU ticks (utime + stime) per group and pid, descendants included. */
function groupTicks(groups: ProcessGroup[]): Record<string, Map<number, number>> {
  const processes = allProcesses();
  const children = new Map<number, number[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const ticks = new Map(processes.map((p) => [p.pid, p.ticks]));
  const result: Record<string, Map<number, number>> = {};
  for (const group of groups) {
    const roots = group.pids ? group.pids() : processes.filter((p) => group.match && p.cmdline.includes(group.match)).map((p) => p.pid);
    const seen = new Set<number>(roots);
    const stack = group.match ? [...roots] : [];
    while (stack.length > 0) {
      for (const child of children.get(stack.pop() as number) ?? []) {
        if (seen.has(child)) continue;
        seen.add(child);
        stack.push(child);
      }
    }
    result[group.name] = new Map([...seen].filter((pid) => ticks.has(pid)).map((pid) => [pid, ticks.get(pid) as number]));
  }
  return result;
}

/** Ticks spent between two samples by the processes present in both (one that exited or started meanwhile is left out). */
function spent(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number {
  let total = 0;
  for (const [pid, ticks] of after ?? []) {
    const earlier = before?.get(pid);
    if (earlier !== undefined) total += ticks - earlier;
  }
  return total;
}

interface Scrape {
  eventLoopP99Ms: number;
  lag: Record<string, number>;
  /** Per consumer, cumulative count per bucket upper bound (seconds). */
  age: Record<string, Map<number, number>>;
}

async function scrape(url: string): Promise<Scrape> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const result: Scrape = { eventLoopP99Ms: 0, lag: {}, age: {} };
  for (const line of text.split('\n')) {
    if (line.startsWith('nodejs_eventloop_lag_p99_seconds ')) result.eventLoopP99Ms = Number(line.split(' ')[1]) * 1000;
    const lag = /^streamgate_consumer_lag_records\{consumer="([^"]+)".*\} (\S+)$/.exec(line);
    if (lag) result.lag[lag[1] as string] = (result.lag[lag[1] as string] ?? 0) + Number(lag[2]);
    const bucket = /^streamgate_consumer_record_age_seconds_bucket\{le="([^"]+)",consumer="([^"]+)"\} (\S+)$/.exec(line) ?? /^streamgate_consumer_record_age_seconds_bucket\{consumer="([^"]+)",le="([^"]+)"\} (\S+)$/.exec(line);
    if (bucket) {
      const [le, consumer] = line.includes('{le=') ? [bucket[1], bucket[2]] : [bucket[2], bucket[1]];
      const buckets = (result.age[consumer as string] ??= new Map());
      buckets.set(le === '+Inf' ? Infinity : Number(le), Number(bucket[3]));
    }
  }
  return result;
}

function hopLatency(before: Map<number, number> | undefined, after: Map<number, number>): HopLatency {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before?.get(le) ?? 0));
  const total = counts.at(-1) ?? 0;
  const at = (q: number) => {
    if (total === 0) return null;
    const le = bounds[counts.findIndex((c) => c >= q * total)] ?? Infinity;
    return Number.isFinite(le) ? Math.round(le * 1000) : null;
  };
  return { records: total, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** Starts sampling every second; `stop()` returns the timeline and the scenario's summary. */
export function startSampler(groups: ProcessGroup[], apps: App[]): { stop(): Promise<ScenarioSamples> } {
  const started = Date.now();
  const timeline: Sample[] = [];
  let lastTicks = groupTicks(groups);
  let lastAt = Date.now();
  const totalTicks: Record<string, number> = {};
  const first = Promise.all(apps.map((app) => scrape(app.url).catch(() => undefined)));
  let latest: Array<Scrape | undefined> = [];
  let busy: Promise<void> = Promise.resolve();
  const tick = async () => {
    const scrapes = await Promise.all(apps.map((app) => scrape(app.url).catch(() => undefined)));
    const ticks = groupTicks(groups);
    const now = Date.now();
    const seconds = (now - lastAt) / 1000;
    const cpu: Record<string, number> = {};
    for (const group of groups) {
      const used = spent(lastTicks[group.name], ticks[group.name]);
      cpu[group.name] = Math.round((used / TICKS_PER_SECOND / seconds) * 1000) / 10;
      totalTicks[group.name] = (totalTicks[group.name] ?? 0) + used;
    }
    const eventLoopP99Ms: Record<string, number> = {};
    const lag: Record<string, number> = {};
    apps.forEach((app, i) => {
      const s = scrapes[i];
      if (!s) return;
      eventLoopP99Ms[app.name] = Math.round(s.eventLoopP99Ms * 10) / 10;
      Object.assign(lag, s.lag);
    });
    timeline.push({ t: Math.round((now - started) / 100) / 10, cpu, eventLoopP99Ms, lag });
    lastTicks = ticks;
    lastAt = now;
    latest = scrapes;
  };
  const timer = setInterval(() => {
    busy = busy.then(tick);
  }, 1_000);
  return {
    stop: async () => {
      clearInterval(timer);
      await busy;
      await tick();
      const before = await first;
      const cpuPercent: Record<string, number> = {};
      const cpuSeconds: Record<string, number> = {};
      // Over the whole scenario (not a mean of the seconds: the last sample is a partial one).
      const elapsed = (lastAt - started) / 1000;
      for (const group of groups) {
        cpuSeconds[group.name] = (totalTicks[group.name] ?? 0) / TICKS_PER_SECOND;
        cpuPercent[group.name] = Math.round((cpuSeconds[group.name] / Math.max(0.001, elapsed)) * 1000) / 10;
      }
      const eventLoopP99MaxMs: Record<string, number> = {};
      const lagMax: Record<string, number> = {};
      for (const sample of timeline) {
        for (const [app, ms] of Object.entries(sample.eventLoopP99Ms)) eventLoopP99MaxMs[app] = Math.max(eventLoopP99MaxMs[app] ?? 0, ms);
        for (const [consumer, n] of Object.entries(sample.lag)) lagMax[consumer] = Math.max(lagMax[consumer] ?? 0, n);
      }
      const hops: Record<string, HopLatency> = {};
      latest.forEach((s, i) => {
        for (const [consumer, buckets] of Object.entries(s?.age ?? {})) hops[consumer] = hopLatency(before[i]?.age[consumer], buckets);
      });
      return { timeline, cpuPercent, cpuSeconds, eventLoopP99MaxMs, lagMax, hops };
    },
  };
}
