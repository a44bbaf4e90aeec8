// `npm run bench:noisy [-- --rate 500 --seconds 20 --rounds 2 --calm 10 --retained 100000 --bad-handshakes 100 --profile DIR]`:
// a calm partner's live latency (receive time − scheduled send time) alone ("quiet") and while a
// greedy partner entitled to the same stream does everything its own key allows ("flood": see
// greedy-partner.ts), alternated in one run so machine drift weighs on both. Delivery runs with
// its default limits. Writes bench/results/noisy-neighbour.json.
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Partitioners } from 'kafkajs';
import { io } from 'socket.io-client';
import { SocketEvent, TopicName } from '@streamgate/contracts';
import { kafkaVersion, repoRoot, waitFor } from '@streamgate/dev-stack';
import { EXPRESSION_LIMITS, compileFilter, expressionCost, validateExpression } from '@streamgate/expressions';
import { entitledKey, log, numberArg, profileArgs, runBench, scrapeMetrics } from './bench-stack';
import { costliestFilter, microsPerRecord } from './costly-filters';
import type { Action, GreedyConfig, GreedyReport } from './greedy-partner';
import { collect, generate, startWorkers } from './live-load';
import type { Collected } from './live-load';
import { startSampler } from './sampler';
import type { ScenarioSamples } from './sampler';

const RATE = numberArg('rate', 500);
const SECONDS = numberArg('seconds', 20);
const ROUNDS = numberArg('rounds', 2);
const CALM_SOCKETS = numberArg('calm', 10);
const RETAINED = numberArg('retained', 100_000);
const BAD_HANDSHAKES_PER_SECOND = numberArg('bad-handshakes', 100);
const WARM_UP_SECONDS = 5;
const RETRY_MS = 100;
// More distinct filters than MAX_FILTERS_PER_PARTNER_STREAM (20) allows.
const FILTERS_TRIED = 25;
// The greedy partner's sockets all come from its own address (failed handshakes are limited per
// address), the calm partner's from 127.0.0.1. Its bad handshakes lock that address out for a
// minute, so each flood gets a fresh one (127.0.0.2, .3, …): every flood starts unlocked.
const greedyAddress = (flood: number) => `127.0.0.${2 + flood}`;
const STREAM = 'ticks';
// Delivery's own failed-handshake limit: the test platform raises it, since all its clients share 127.0.0.1.
const DELIVERY_DEFAULTS: NodeJS.ProcessEnv = { AUTH_FAILURES_PER_MINUTE: undefined };
const APPS = ['access-control', 'ingest', 'enrichment', 'delivery', 'metering'] as const;
const DELIVERY_COUNTERS = ['streamgate_delivery_handshakes_refused_total', 'streamgate_delivery_replayed_records_total', 'streamgate_delivery_catch_up_records_total', 'streamgate_delivery_records_read_total'];
const DELIVERY_GAUGES = ['streamgate_delivery_sockets', 'streamgate_delivery_subscriptions', 'streamgate_delivery_groups'];

interface PhaseResult extends ScenarioSamples {
  round: number;
  phase: 'quiet' | 'flood';
  recordsIn: number;
  deliveries: number;
  lost: number;
  valid: boolean;
  /** How far the generator fell behind its schedule (over 100 ms: not valid). */
  generatorMaxBehindMs: number;
  /** CLOCK_MONOTONIC µs (as in V8 CPU profiles): cuts a --profile run's samples per phase. */
  monotonicUs: { start: number; end: number };
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  latencyMaxBySecondMs: Array<number | null>;
  /** Delivery's own counters over the phase, and its gauges at the end of it. */
  delivery: Record<string, number>;
  greedy?: GreedyReport & { localAddress?: string };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function deliveryFigures(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [sample, value] of after) {
    const name = sample.replace(/^streamgate_delivery_/, '');
    if (DELIVERY_COUNTERS.some((c) => sample.startsWith(c)) && value !== (before.get(sample) ?? 0)) out[name] = value - (before.get(sample) ?? 0);
    if (DELIVERY_GAUGES.includes(sample)) out[`${name} (at end)`] = value;
  }
  return out;
}

/** The greedy partner's process; resolves once it holds all the sockets it could open. */
async function startGreedy(config: GreedyConfig): Promise<{ pid: number; localAddress?: string; stop(): Promise<GreedyReport> }> {
  const child = fork(join(__dirname, 'greedy-partner.js'), [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ramped = await new Promise<{ sockets: number; localAddress?: string }>((resolve, reject) => {
    child.once('message', (m: { type: string; sockets: number; localAddress?: string; message?: string }) => (m.type === 'ramped' ? resolve(m) : reject(new Error(m.message))));
    child.once('exit', (code) => reject(new Error(`greedy partner exited ${code}`)));
  });
  log(`flood: the greedy partner holds ${ramped.sockets} sockets from ${ramped.localAddress}`);
  return {
    pid: child.pid ?? 0,
    localAddress: ramped.localAddress,
    stop: () =>
      new Promise((resolve) => {
        child.once('message', (m: { report: GreedyReport }) => resolve(m.report));
        child.send({ type: 'stop' });
      }),
  };
}

/** Whether a key can subscribe to the stream yet (keys and entitlements reach delivery through control topics). */
async function canSubscribe(url: string, apiKey: string): Promise<boolean> {
  const socket = io(url, { auth: { apiKey }, transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return ((await socket.timeout(10_000).emitWithAck(SocketEvent.Subscribe, { stream: STREAM })) as { ok: boolean }).ok;
  } catch {
    return false;
  } finally {
    socket.close();
  }
}

runBench([...APPS], async ({ kafka, platform, topics }) => {
  const url = platform.url('delivery');
  await platform.admin.post('/v1/streams', { name: STREAM });
  const calmKey = await entitledKey(platform, STREAM, 'Calm');
  const greedyKey = await entitledKey(platform, STREAM, 'Greedy');
  // Spaced out: every refused handshake counts against 127.0.0.1's failed-handshake budget.
  for (const key of [calmKey, greedyKey]) await waitFor('the keys and entitlements to reach delivery', () => canSubscribe(url, key), { timeoutMs: 30_000, intervalMs: 1_000 });

  // The retained range the greedy partner replays and resumes from (beyond the recent window's 64 MB).
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const retainedFrom = new Date(Date.now() - 1_000).toISOString();
  const admin = kafka.admin();
  await admin.connect();
  const enriched = async () => (await admin.fetchTopicOffsets(topics.name(TopicName.RecordsEnriched))).reduce((n, p) => n + Number(p.high), 0);
  const before = await enriched();
  const pad = 'x'.repeat(1_000);
  for (let from = 0; from < RETAINED; from += 1_000) {
    await producer.send({ topic: topics.source(STREAM), acks: -1, messages: Array.from({ length: Math.min(1_000, RETAINED - from) }, (_, j) => ({ key: `k${(from + j) % 64}`, value: JSON.stringify({ i: from + j, pad }) })) });
  }
  await waitFor('the retained range through the pipeline', async () => (await enriched()) - before >= RETAINED, { timeoutMs: 300_000, intervalMs: 500 });
  await admin.disconnect();
  log(`${RETAINED} records retained`);

  const filters = Array.from({ length: FILTERS_TRIED }, (_, i) => costliestFilter('data.pad', i));
  for (const filter of filters) {
    const validation = validateExpression(filter);
    if (!validation.ok) throw new Error(`the greedy filter is refused: ${validation.error.message}`);
  }
  const filter = {
    example: filters[0] as string,
    sourceChars: (filters[0] as string).length,
    estimatedCost: +expressionCost(filters[0] as string).toFixed(2),
    budget: EXPRESSION_LIMITS.maxCost,
    microsPerRecord: +microsPerRecord(compileFilter(filters[0] as string), { data: { sentAt: Date.now(), i: 1, pad }, meta: {} }).toFixed(2),
    distinctTried: FILTERS_TRIED,
  };
  log(`greedy filter: estimated cost ${filter.estimatedCost} of ${filter.budget}, ${filter.microsPerRecord} µs per record`);

  const calm = await startWorkers({ url, auth: { apiKey: calmKey } }, CALM_SOCKETS, { stream: STREAM });
  let floods = 0;
  const greedyConfig = (): GreedyConfig => ({
    url,
    apiKey: greedyKey,
    stream: STREAM,
    localAddress: greedyAddress(floods++),
    filters,
    replay: { from: retainedFrom, to: new Date().toISOString() },
    resumeFrom: retainedFrom,
    retryMs: RETRY_MS,
    badHandshakesPerSecond: BAD_HANDSHAKES_PER_SECOND,
  });
  let greedyPid = 0;
  const groups = [
    ...APPS.map((app) => ({ name: app, pids: () => [platform.apps[app].pid ?? 0] })),
    { name: 'kafka', match: 'kafka.Kafka' },
    { name: 'postgres', match: '.local/postgres/' },
    { name: 'generator', pids: () => [process.pid] },
    { name: 'calm', pids: () => calm.map((w) => w.pid ?? 0) },
    { name: 'greedy', pids: () => (greedyPid ? [greedyPid] : []) },
  ];
  const apps = APPS.map((app) => ({ name: app, url: platform.url(app) }));

  const phase = async (round: number, kind: 'quiet' | 'flood', seconds = SECONDS): Promise<PhaseResult> => {
    const greedy = kind === 'flood' ? await startGreedy(greedyConfig()) : undefined;
    greedyPid = greedy?.pid ?? 0;
    for (const worker of calm) worker.send({ type: 'reset' });
    const metricsBefore = await scrapeMetrics(url);
    const sampler = startSampler(groups, apps);
    const monotonicStart = Number(process.hrtime.bigint() / 1000n);
    const { sent, valid, start, maxBehindMs } = await generate(producer, topics.source(STREAM), RATE, seconds);
    const expected = sent * CALM_SOCKETS;
    let last: Collected | undefined;
    await waitFor('the calm partner\'s deliveries', async () => (last = await collect(calm)).received >= expected, { timeoutMs: 10_000, intervalMs: 500 }).catch(() => undefined);
    const samples = await sampler.stop();
    const monotonicUs = { start: monotonicStart, end: Number(process.hrtime.bigint() / 1000n) };
    const delivery = deliveryFigures(metricsBefore, await scrapeMetrics(url));
    const report = await greedy?.stop();
    greedyPid = 0;
    const h = (last as Collected).histogram;
    const result: PhaseResult = {
      round,
      phase: kind,
      recordsIn: sent,
      deliveries: (last as Collected).received,
      lost: Math.max(0, expected - (last as Collected).received),
      valid,
      generatorMaxBehindMs: maxBehindMs,
      monotonicUs,
      latencyMs: { p50: h.getValueAtPercentile(50), p90: h.getValueAtPercentile(90), p99: h.getValueAtPercentile(99), p999: h.getValueAtPercentile(99.9), max: h.maxValue },
      latencyMaxBySecondMs: Array.from({ length: seconds + 1 }, (_, i) => (last as Collected).worst.get(Math.floor(start / 1000) + i) ?? null),
      delivery,
      ...(report && { greedy: { ...report, localAddress: greedy?.localAddress } }),
      ...samples,
    };
    log(`${kind} (round ${round}): p50 ${result.latencyMs.p50} p99 ${result.latencyMs.p99} max ${result.latencyMs.max} ms, lost ${result.lost}${valid ? '' : ` (generator fell ${maxBehindMs} ms behind: invalid)`}`);
    log(`  worst latency per second: ${result.latencyMaxBySecondMs.join(' ')}`);
    log(`  cpu % ${JSON.stringify(samples.cpuPercent)} event loop p99 max ${JSON.stringify(samples.eventLoopP99MaxMs)}`);
    log(`  delivery ${JSON.stringify(delivery)}`);
    if (report) log(`  greedy ${JSON.stringify(report)}`);
    // Let a flood's replays and resumes wind down before the next phase.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return result;
  };

  try {
    // Warm-up, measured and logged, not compared: JIT, connections, first replays.
    await phase(0, 'quiet', WARM_UP_SECONDS);
    await phase(0, 'flood', WARM_UP_SECONDS);
    const phases: PhaseResult[] = [];
    for (let round = 1; round <= ROUNDS; round++) phases.push(await phase(round, 'quiet'), await phase(round, 'flood'));
    const p99 = (kind: 'quiet' | 'flood') => phases.filter((p) => p.phase === kind).map((p) => p.latencyMs.p99);
    const refusals: Partial<Record<Action, Record<string, number>>> = {};
    const attempts: Partial<Record<Action, { attempts: number; ok: number }>> = {};
    for (const report of phases.flatMap((p) => (p.greedy ? [p.greedy] : []))) {
      for (const [action, entry] of Object.entries(report.tally) as Array<[Action, GreedyReport['tally'][Action]]>) {
        const sum = (attempts[action] ??= { attempts: 0, ok: 0 });
        sum.attempts += entry.attempts;
        sum.ok += entry.ok;
        for (const [code, n] of Object.entries(entry.refused)) (refusals[action] ??= {})[code] = ((refusals[action] ?? {})[code] ?? 0) + n;
      }
    }
    const results = {
      date: new Date().toISOString(),
      machine: { cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, kafka: kafkaVersion() },
      config: { rate: RATE, phaseSeconds: SECONDS, rounds: ROUNDS, calmSockets: CALM_SOCKETS, retainedRecords: RETAINED, badHandshakesPerSecond: BAD_HANDSHAKES_PER_SECOND, retryMs: RETRY_MS, greedyAddresses: '127.0.0.2 and up, one per flood', deliveryLimits: 'defaults (apps/delivery/src/config/delivery.config.ts)' },
      filter,
      ratios: {
        p99FloodOverQuiet: +(median(p99('flood')) / Math.max(1, median(p99('quiet')))).toFixed(2),
        p99PerRound: phases.filter((p) => p.phase === 'flood').map((flood) => +(flood.latencyMs.p99 / Math.max(1, phases.find((q) => q.round === flood.round && q.phase === 'quiet')?.latencyMs.p99 ?? 1)).toFixed(2)),
        medianP99Ms: { quiet: median(p99('quiet')), flood: median(p99('flood')) },
      },
      greedy: { attempts, refusals },
      phases,
    };
    const dir = join(repoRoot(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'noisy-neighbour.json'), `${JSON.stringify(results, null, 2)}\n`);
    return { ratios: results.ratios, greedy: results.greedy, filter };
  } finally {
    for (const worker of calm) worker.send({ type: 'stop' });
    await producer.disconnect();
  }
}, DELIVERY_DEFAULTS, profileArgs());
