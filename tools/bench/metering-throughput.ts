// `npm run bench:metering [-- --events 100000]`: usage events/s that metering counts into
// PostgreSQL exactly once (dedupe, aggregates and offsets in one transaction per batch),
// against the same events drained by a bare kafkajs passthrough in the same run.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { TopicName, Topics } from '@streamgate/contracts';
import type { UsageEvent } from '@streamgate/contracts';
import { AppProcess, ensureKafka, ensurePostgres, provisionContractTopics, repoRoot, startPlatform, waitFor } from '@streamgate/dev-stack';
import { provisionTopics } from '@streamgate/kafka';

const args = process.argv.slice(2);
const EVENTS = Number(args[args.indexOf('--events') + 1] || 100_000);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const broker = process.env.KAFKA_BROKERS ? undefined : await ensureKafka({ log });
  const postgres = process.env.DATABASE_URL ? undefined : await ensurePostgres({ log, database: 'streamgate_bench' });
  process.env.KAFKA_BROKERS ??= broker?.brokers.join(',');
  process.env.DATABASE_URL ??= postgres?.url;
  await provisionContractTopics((process.env.KAFKA_BROKERS as string).split(','), '');
  const kafka = new Kafka({ clientId: 'bench', brokers: (process.env.KAFKA_BROKERS as string).split(','), logLevel: logLevel.ERROR });
  const platform = await startPlatform({ apps: [] });
  const topics = new Topics(platform.prefix);
  try {
    const usageTopic = topics.name(TopicName.UsageEvents);
    const copy = `${platform.prefix}bench.usage-copy`;
    const admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, [{ topic: copy, partitions: 6, compacted: false }]);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const minute = Date.parse('2026-11-28T00:00:00Z');
    log(`producing ${EVENTS} usage events (100 partners x 5 streams, one event per subscription window)`);
    for (let from = 0; from < EVENTS; from += 1_000) {
      const messages = Array.from({ length: Math.min(1_000, EVENTS - from) }, (_, j) => {
        const i = from + j;
        const event: UsageEvent = {
          id: `bench:${i}`,
          partnerId: `p${i % 100}`,
          stream: `s${i % 5}`,
          source: 'bench',
          windowStart: new Date(minute + Math.floor(i / 500) * 2_000).toISOString(),
          windowEnd: new Date(minute + Math.floor(i / 500) * 2_000 + 2_000).toISOString(),
          counters: { recordsDelivered: 1 + (i % 50), bytesDelivered: 1_000 * (1 + (i % 50)) },
        };
        return { key: event.partnerId, value: JSON.stringify(event) };
      });
      await producer.send({ topic: usageTopic, acks: -1, messages });
    }
    await producer.disconnect();

    const rate = async (count: () => Promise<number>, start: () => Promise<() => Promise<void>>) => {
      const stop = await start();
      let first: { at: number; n: number } | undefined;
      let last = { at: 0, n: 0 };
      await waitFor('the drain', async () => {
        const n = await count();
        const at = performance.now();
        if (n > 0 && !first) first = { at, n };
        last = { at, n };
        return n >= EVENTS;
      }, { timeoutMs: 600_000, intervalMs: 50 });
      await stop();
      return first ? ((last.n - first.n) / (last.at - first.at)) * 1000 : 0;
    };

    const passthrough = await rate(
      async () => (await admin.fetchTopicOffsets(copy)).reduce((n, p) => n + Number(p.high), 0),
      async () => {
        const child = spawn(process.execPath, [join(repoRoot(), 'tools/dist/bench/kafka-passthrough.js'), usageTopic, copy, `${platform.prefix}bench`], { env: process.env, stdio: 'inherit' });
        return async () => {
          child.kill('SIGTERM');
          await new Promise((resolve) => child.once('exit', resolve));
        };
      },
    );
    log(`passthrough: ${passthrough.toFixed(0)} events/s`);
    const metering = new AppProcess({ app: 'metering', env: platform.env, port: 3904, output: join(platform.logDir, 'metering.log') });
    const counted = async () => {
      const text = await (await fetch(`${metering.url}/metrics`)).text().catch(() => '');
      return Number(/streamgate_metering_usage_events_total\{outcome="counted"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const meteringRate = await rate(counted, async () => {
      await metering.start();
      return () => metering.stop();
    });
    log(`metering: ${meteringRate.toFixed(0)} events/s`);
    await admin.disconnect();
    console.log(JSON.stringify({ events: EVENTS, passthroughPerSecond: Math.round(passthrough), meteringPerSecond: Math.round(meteringRate), ratio: +(meteringRate / passthrough).toFixed(2) }, null, 2));
  } finally {
    await platform.stop();
    await broker?.stop();
    await postgres?.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
