// Shared set-up of the benchmarks: the real stack (attach-or-start), a platform with its own
// topic prefix, the bare passthrough baseline, and drain-rate measurement.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { Topics } from '@streamgate/contracts';
import type { AppName } from '@streamgate/contracts';
import { ensureKafka, ensurePostgres, provisionContractTopics, repoRoot, startPlatform, waitFor } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { benchKafka } from './bench-kafka';

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** The topicCount consumers, disconnected before the stack stops. */
const counters: Array<{ disconnect(): Promise<void> }> = [];

/** `--name value` from the command line, as a number. */
export function numberArg(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

/** `--profile DIR`: Node flags that make the apps write V8 CPU profiles there (node --cpu-prof) when they stop. */
export function profileArgs(): string[] {
  const args = process.argv.slice(2);
  const index = args.indexOf('--profile');
  return index >= 0 ? ['--cpu-prof', `--cpu-prof-dir=${args[index + 1]}`] : [];
}

export interface BenchContext {
  kafka: Kafka;
  platform: TestPlatform;
  topics: Topics;
}

/** Runs a benchmark on the local stack (or KAFKA_BROKERS / DATABASE_URL), prints its JSON result, stops what it started. */
export function runBench(apps: AppName[], bench: (context: BenchContext) => Promise<unknown>, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): void {
  const main = async () => {
    const broker = process.env.KAFKA_BROKERS ? undefined : await ensureKafka({ log });
    const postgres = process.env.DATABASE_URL ? undefined : await ensurePostgres({ log, database: 'streamgate_bench' });
    process.env.KAFKA_BROKERS ??= broker?.brokers.join(',');
    process.env.DATABASE_URL ??= postgres?.url;
    const brokers = (process.env.KAFKA_BROKERS as string).split(',');
    await provisionContractTopics(brokers, '');
    const kafka = benchKafka('bench');
    let platform: TestPlatform | undefined;
    try {
      platform = await startPlatform({ apps, env, nodeArgs });
      console.log(JSON.stringify(await bench({ kafka, platform, topics: new Topics(platform.prefix) }), null, 2));
    } finally {
      await Promise.all(counters.splice(0).map((consumer) => consumer.disconnect().catch(() => undefined)));
      await platform?.stop();
      await broker?.stop();
      await postgres?.stop();
    }
  };
  main().catch((error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  });
}

/** Creates `stream`, a partner entitled to all of it and a subscribe key; returns the key. */
export async function subscribeKey(platform: TestPlatform, stream: string): Promise<string> {
  await platform.admin.post('/v1/streams', { name: stream });
  return entitledKey(platform, stream, 'Bench');
}

/** A partner named `name`, entitled to all of an existing `stream`, and a subscribe key of it; returns the key. */
export async function entitledKey(platform: TestPlatform, stream: string, name: string): Promise<string> {
  const partner = (await platform.admin.post<{ id: string }>('/v1/partners', { name })).body;
  const key = (await platform.admin.post<{ key: string }>(`/v1/partners/${partner.id}/keys`, { scopes: ['subscribe'] })).body.key;
  await platform.admin.put(`/v1/partners/${partner.id}/entitlements/${stream}`, {});
  return key;
}

/** An app's /metrics as sample → value (`name` or `name{labels}` as printed). */
export async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** One unlabelled sample of an app's /metrics (0 when absent). */
export async function metric(url: string, name: string): Promise<number> {
  return (await scrapeMetrics(url)).get(name) ?? 0;
}

/** The baseline: a bare kafkajs relay copying `from` to `to` in its own process. */
export async function startPassthrough(from: string, to: string, groupId: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [join(repoRoot(), 'tools/dist/bench/kafka-passthrough.js'), from, to, groupId], { env: process.env, stdio: 'inherit' });
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
}

/** Items/s from the first counted item to the `total`-th (start-up does not count). */
export async function drainRate(total: number, count: () => Promise<number>, start: () => Promise<() => Promise<void>>): Promise<number> {
  const before = await count();
  const stop = await start();
  let first: { at: number; n: number } | undefined;
  let last = { at: 0, n: 0 };
  await waitFor('the drain', async () => {
    const n = (await count()) - before;
    const at = performance.now();
    if (n > 0 && !first) first = { at, n };
    last = { at, n };
    return n >= total;
  }, { timeoutMs: 600_000, intervalMs: 50 });
  await stop();
  return first && last.at > first.at ? ((last.n - first.n) / (last.at - first.at)) * 1000 : 0;
}

/**
 * How many records a topic holds, counted by a read_committed consumer from its beginning:
 * end offsets would count transaction markers (one per partition per transaction on
 * records.validated and records.enriched), which overstates a transactional stage's rate.
 */
export function topicCount(kafka: Kafka, topic: string): () => Promise<number> {
  let n = 0;
  let started: Promise<void> | undefined;
  const consumer = kafka.consumer({ groupId: `bench-count-${topic}-${Date.now()}`, maxBytes: 16 * 1024 * 1024 });
  counters.push(consumer);
  const start = async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => void (n += batch.messages.length) });
  };
  return async () => {
    started ??= start();
    await started;
    return n;
  };
}
