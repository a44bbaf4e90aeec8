// `npm run bench [-- --quick]`: the pipeline (five apps, real Kafka and PostgreSQL) against a
// bare Socket.IO relay in the same run, with open-loop producers, real socket.io-client
// subscribers in worker processes and HdrHistogram latencies. Writes bench/results/latest.json
// (and a dated copy), bench/results/latency.svg and the README's performance table.
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { Partitioners } from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import { kafkaVersion, repoRoot, waitFor } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { provisionTopics } from '@streamgate/kafka';
import { freePort } from '@streamgate/testing';
import { log, profileArgs, runBench, subscribeKey } from './bench-stack';
import { collect, generate, startWorkers } from './live-load';
import type { Collected } from './live-load';
import { medianRound, renderChart, renderTable } from './report';
import { startSampler } from './sampler';
import type { App, ProcessGroup } from './sampler';
import type { BenchResults, ScenarioResult } from './report';

const QUICK = process.argv.includes('--quick');
const SECONDS = QUICK ? 8 : 20;
const WARM_UP_SECONDS = QUICK ? 5 : 20;
// Each rate step of (a): long enough for a backlog to show in p99 and lag.
const STEP_SECONDS = QUICK ? 5 : 15;
const IDLE_CONNECTIONS = 5_000;
// (b) at 1,000 records/s runs this many times, alternating targets: one round's p99 is set by
// its single worst stall, so the ratio compares the median rounds.
const LATENCY_ROUNDS = 3;
// `--only a,b`: run just these scenarios (for measuring one change); results are then not written.
const ONLY = process.argv.includes('--only') ? new Set((process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',')) : undefined;
const runs = (scenario: string) => !ONLY || ONLY.has(scenario);

interface Target {
  name: 'pipeline' | 'bare';
  url: string;
  topic: string;
  auth: Record<string, string>;
  subscribe: Record<string, unknown>;
  /** The processes whose CPU counts as this target's (the apps, or the relay). */
  pids: () => number[];
  /** The process holding the Socket.IO connections (delivery, or the relay). */
  socketServerPid: () => number;
  /** Processes sampled each second besides the target's own. */
  groups: ProcessGroup[];
  apps: App[];
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
}

async function scenario(label: string, target: Target, producer: Producer, rate: number, subscribers: number, extra: Record<string, unknown> = {}, seconds = SECONDS): Promise<ScenarioResult> {
  const workers = await startWorkers(target, subscribers, { ...target.subscribe, ...extra });
  try {
    // Warm-up second, not measured.
    await generate(producer, target.topic, rate, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const worker of workers) worker.send({ type: 'reset' });
    // The target's own processes (each app, or the relay), then the shared ones.
    const own = target.pids().map((pid, i) => ({ name: target.apps[i]?.name ?? 'relay', pids: () => [pid] }));
    const sampler = startSampler([...own, ...target.groups, { name: 'subscribers', pids: () => workers.map((w) => w.pid ?? 0) }], target.apps);
    const { sent, valid, start } = await generate(producer, target.topic, rate, seconds);
    const expected = sent * subscribers;
    let last: Collected = { received: 0, histogram: hdr.build(), worst: new Map() };
    await waitFor(`${label} deliveries`, async () => {
      last = await collect(workers);
      return last.received >= expected;
    }, { timeoutMs: 10_000, intervalMs: 500 }).catch(() => undefined);
    const samples = await sampler.stop();
    const cpu = own.reduce((n, group) => n + (samples.cpuSeconds[group.name] ?? 0), 0);
    const h = last.histogram;
    const result: ScenarioResult = {
      label,
      target: target.name,
      rate,
      subscribers,
      seconds,
      recordsIn: sent,
      deliveriesOut: last.received,
      lost: Math.max(0, expected - last.received),
      deliveriesPerSecond: Math.round(last.received / seconds),
      latencyMs: { p50: h.getValueAtPercentile(50), p90: h.getValueAtPercentile(90), p99: h.getValueAtPercentile(99), p999: h.getValueAtPercentile(99.9), max: h.maxValue },
      cpuSecondsPer1000Deliveries: last.received > 0 ? +((cpu / last.received) * 1000).toFixed(4) : null,
      valid,
      latencyMaxBySecondMs: Array.from({ length: seconds + 1 }, (_, i) => last.worst.get(Math.floor(start / 1000) + i) ?? null),
      ...samples,
    };
    log(`${label} [${target.name}] ${rate}/s x ${subscribers}: p99 ${result.latencyMs.p99} ms, lost ${result.lost}, cpu/1000 ${result.cpuSecondsPer1000Deliveries}${valid ? '' : ' (generator fell behind: invalid)'}`);
    log(`  worst latency per second: ${result.latencyMaxBySecondMs.join(' ')}`);
    log(`  cpu % ${JSON.stringify(samples.cpuPercent)} hops ${JSON.stringify(samples.hops)} lag max ${JSON.stringify(samples.lagMax)} event loop p99 max ${JSON.stringify(samples.eventLoopP99MaxMs)}`);
    return result;
  } finally {
    for (const worker of workers) worker.send({ type: 'stop' });
  }
}

/** (d) RSS growth of the process holding the sockets, per idle connection (connected, not subscribed). */
async function idleMemory(target: Target, connections: number): Promise<{ target: string; connections: number; rssKbPerConnection: number }> {
  const pid = target.socketServerPid();
  const before = rssBytes(pid);
  const workers = await startWorkers(target, connections, null);
  try {
    // The median of five samples a second apart: RSS moves as the server's GC runs.
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      samples.push(rssBytes(pid));
    }
    const after = samples.sort((a, b) => a - b)[2] as number;
    const rssKbPerConnection = +((after - before) / connections / 1024).toFixed(1);
    log(`d: memory per idle connection [${target.name}] at ${connections}: ${rssKbPerConnection} KB RSS`);
    return { target: target.name, connections, rssKbPerConnection };
  } finally {
    for (const worker of workers) worker.send({ type: 'stop' });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

const DATA_HOPS = ['ingest', 'enrichment', 'delivery'];

/** Sustained: valid, nothing lost, p99 under 1 s, and no data hop a second of records behind when the generator stopped. */
function sustained(result: ScenarioResult): boolean {
  const atEnd = result.timeline.filter((s) => s.t <= result.seconds + 0.5).at(-1);
  const finalLag = Math.max(0, ...DATA_HOPS.map((hop) => atEnd?.lag[hop] ?? 0));
  return result.valid && result.lost <= result.recordsIn * result.subscribers * 0.001 && result.latencyMs.p99 <= 1_000 && finalLag <= result.rate;
}

/**
 * (a) Raises the rate step by step for both targets, alternating between them at each step so
 * that drift in the machine (the broker's JIT above all) weighs on both alike, until a step is
 * not sustained; then one step halfway between the last sustained rate and the failed one (a
 * single refinement, not a search: one noisy failed step ends a target's climb).
 */
async function maxThroughput(targets: Target[], producer: Producer): Promise<Map<Target, { steps: ScenarioResult[]; maxRate: number }>> {
  const results = new Map(targets.map((t) => [t, { steps: [] as ScenarioResult[], maxRate: 0, failedAt: 0 }]));
  // Quick runs start at 2,000 (1,000 is measured in (b)) to stay under five minutes.
  for (const rate of QUICK ? [2_000, 4_000, 8_000, 16_000] : [1_000, 2_000, 3_000, 4_000, 6_000, 8_000, 12_000, 16_000, 24_000]) {
    const running = targets.filter((t) => !results.get(t)?.failedAt);
    if (running.length === 0) break;
    for (const target of running) {
      const entry = results.get(target) as { steps: ScenarioResult[]; maxRate: number; failedAt: number };
      const result = await scenario('a: max throughput', target, producer, rate, 10, {}, STEP_SECONDS);
      entry.steps.push(result);
      if (sustained(result)) entry.maxRate = rate;
      else entry.failedAt = rate;
    }
  }
  for (const target of targets) {
    const entry = results.get(target) as { steps: ScenarioResult[]; maxRate: number; failedAt: number };
    // (Failing the first step tries half of it.)
    if (!entry.failedAt) continue;
    const rate = Math.round((entry.maxRate + entry.failedAt) / 2 / 100) * 100;
    const result = await scenario('a: max throughput', target, producer, rate, 10, {}, STEP_SECONDS);
    entry.steps.push(result);
    if (sustained(result)) entry.maxRate = rate;
  }
  return new Map([...results].map(([t, { steps, maxRate }]) => [t, { steps, maxRate }]));
}

async function setUpPipeline(platform: TestPlatform, topics: { source(stream: string): string }): Promise<Target> {
  const key = await subscribeKey(platform, 'bench');
  await waitFor('the pipeline to know the key', async () => (await fetch(`${platform.url('delivery')}/health`)).ok, { timeoutMs: 10_000 });
  return {
    name: 'pipeline',
    url: platform.url('delivery'),
    topic: topics.source('bench'),
    auth: { apiKey: key },
    subscribe: { stream: 'bench' },
    pids: () => APPS.map((app) => platform.apps[app].pid ?? 0),
    socketServerPid: () => platform.apps.delivery.pid ?? 0,
    groups: SHARED_PROCESSES,
    apps: APPS.map((app) => ({ name: app, url: platform.url(app) })),
  };
}

async function startBareRelay(kafka: Kafka, prefix: string): Promise<{ target: Target; stop: () => void }> {
  const topic = `${prefix}bench.bare`;
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, [{ topic, partitions: 6, compacted: false }]);
  await admin.disconnect();
  const port = await freePort();
  const relay = fork(join(__dirname, 'bare-relay.js'), [String(port), topic, `${prefix}bench.bare`], { env: process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => relay.once('message', () => resolve()));
  return {
    target: {
      name: 'bare',
      url: `http://127.0.0.1:${port}`,
      topic,
      auth: {},
      subscribe: { stream: 'bench' },
      pids: () => [relay.pid ?? 0],
      socketServerPid: () => relay.pid ?? 0,
      groups: SHARED_PROCESSES,
      apps: [],
    },
    stop: () => relay.kill('SIGTERM'),
  };
}

const APPS = ['access-control', 'ingest', 'enrichment', 'delivery', 'metering'] as const;
// Sampled in every scenario: the broker, the database and this process (the generator).
const SHARED_PROCESSES: ProcessGroup[] = [
  { name: 'kafka', match: 'kafka.Kafka' },
  { name: 'postgres', match: '.local/postgres/' },
  { name: 'generator', pids: () => [process.pid] },
];


runBench([...APPS], async ({ kafka, platform, topics }) => {
  const pipeline = await setUpPipeline(platform, topics);
  const bare = await startBareRelay(kafka, platform.prefix);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const scenarios: ScenarioResult[] = [];
    // Warm both up (the broker's JIT above all, then connections and first fetches), so the
    // first scenario measured is not charged for a cold JVM; reported in the log only.
    await scenario('warm-up', pipeline, producer, 1_000, 10, {}, WARM_UP_SECONDS);
    await scenario('warm-up', bare.target, producer, 1_000, 10, {}, WARM_UP_SECONDS);
    const both = async (label: string, rate: number, subscribers: number, extra: Record<string, unknown> = {}) => {
      const results = [await scenario(label, pipeline, producer, rate, subscribers, extra), await scenario(label, bare.target, producer, rate, subscribers, extra)];
      scenarios.push(...results);
      return results;
    };
    const latencyRounds: ScenarioResult[][] = [];
    for (let round = 1; runs('b') && round <= LATENCY_ROUNDS; round++) latencyRounds.push(await both(`b: latency 1000/s x 10 (round ${round}/${LATENCY_ROUNDS})`, 1_000, 10));
    const latencyPipeline = medianRound(latencyRounds.map(([pipelineRound]) => pipelineRound));
    const latencyBare = medianRound(latencyRounds.map(([, bareRound]) => bareRound));
    if (runs('b')) await both('b: latency 100/s x 100', 100, 100);
    if (runs('e')) scenarios.push(await scenario('e: batch 1000/s x 10', pipeline, producer, 1_000, 10, { batch: true }));
    // (d) before (c): after 2,000 subscribers the servers hold memory that new connections would reuse.
    const memory = runs('d') ? [await idleMemory(pipeline, IDLE_CONNECTIONS), await idleMemory(bare.target, IDLE_CONNECTIONS)] : [];
    if (runs('c')) await both('c: fan-out 20/s x 2000', 20, 2_000);
    const throughput = runs('a') ? await maxThroughput([pipeline, bare.target], producer) : new Map<Target, { steps: ScenarioResult[]; maxRate: number }>();
    const throughputPipeline = throughput.get(pipeline) ?? { steps: [], maxRate: 0 };
    const throughputBare = throughput.get(bare.target) ?? { steps: [], maxRate: 0 };
    scenarios.push(...throughputPipeline.steps, ...throughputBare.steps);
    // CPU per record: the mean over the rounds of (b) at 1,000 records/s.
    const cpuPer1000 = (target: 0 | 1) => latencyRounds.reduce((n, round) => n + (round[target]?.cpuSecondsPer1000Deliveries ?? 0), 0) / Math.max(1, latencyRounds.length);
    const results: BenchResults = {
      date: new Date().toISOString(),
      mode: QUICK ? 'quick' : 'full',
      machine: { cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, kafka: kafkaVersion() },
      maxThroughput: { pipelineRecordsPerSecond: throughputPipeline.maxRate, bareRecordsPerSecond: throughputBare.maxRate, subscribers: 10 },
      memoryPerIdleConnection: memory,
      scenarios,
      ratios: {
        throughput: +(throughputPipeline.maxRate / Math.max(1, throughputBare.maxRate)).toFixed(2),
        p99Latency: +((latencyPipeline?.latencyMs.p99 ?? 0) / Math.max(1, latencyBare?.latencyMs.p99 ?? 0)).toFixed(2),
        cpuPerRecord: +(cpuPer1000(0) / Math.max(1e-9, cpuPer1000(1))).toFixed(2),
      },
    };
    if (ONLY) return results;
    const dir = join(repoRoot(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(dir, `${results.date.slice(0, 10)}-${results.mode}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(dir, 'latency.svg'), renderChart(results));
    const readme = join(repoRoot(), 'README.md');
    const text = readFileSync(readme, 'utf8');
    const start = text.indexOf('<!-- bench:start -->');
    const end = text.indexOf('<!-- bench:end -->');
    if (start >= 0 && end > start) writeFileSync(readme, `${text.slice(0, start)}<!-- bench:start -->\n${renderTable(results)}\n${text.slice(end)}`);
    return results.ratios;
  } finally {
    await producer.disconnect();
    bare.stop();
  }
}, {}, profileArgs());
