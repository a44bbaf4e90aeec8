// `npm run bench:pipeline [-- --records 100000]`: drain throughput of ingest and of enrichment
// (1 KB JSON records), each against a bare kafkajs passthrough measured in the same run on the
// same broker. Records are produced first, then one stage at a time is started and timed from
// its first output to its last, so start-up and producer speed do not count.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { TopicName, Topics } from '@streamgate/contracts';
import type { AppName } from '@streamgate/contracts';
import { AppProcess, ensureKafka, ensurePostgres, provisionContractTopics, repoRoot, startPlatform } from '@streamgate/dev-stack';
import { provisionTopics } from '@streamgate/kafka';

const args = process.argv.slice(2);
const RECORDS = Number(args[args.indexOf('--records') + 1] || 100_000);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function record(i: number): string {
  const base = { symbol: `SYM${i % 500}`, price: 100 + (i % 1000) / 10, qty: 1 + (i % 50), side: i % 2 ? 'buy' : 'sell', trader: `trader-${i % 40}`, venue: 'XNAS', seq: i, pad: '' };
  return JSON.stringify({ ...base, pad: 'x'.repeat(1024 - JSON.stringify(base).length) });
}

async function produce(kafka: Kafka, topic: string): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let from = 0; from < RECORDS; from += 1_000) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: Math.min(1_000, RECORDS - from) }, (_, j) => ({ key: `SYM${(from + j) % 500}`, value: record(from + j) })) });
  }
  await producer.disconnect();
}

/** Records/s from the first output record to the last (polls end offsets every 50 ms). */
async function drainRate(kafka: Kafka, topic: string, start: () => Promise<() => Promise<void>>): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const count = async () => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const before = await count();
  const stop = await start();
  let first: { at: number; n: number } | undefined;
  const deadline = Date.now() + 600_000;
  for (;;) {
    const n = (await count()) - before;
    const now = performance.now();
    if (n > 0 && !first) first = { at: now, n };
    if (n >= RECORDS && first) {
      await stop();
      await admin.disconnect();
      return ((n - first.n) / (now - first.at)) * 1000;
    }
    if (Date.now() > deadline) throw new Error(`${topic} reached ${n} of ${RECORDS}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const broker = process.env.KAFKA_BROKERS ? undefined : await ensureKafka({ log });
  const postgres = process.env.DATABASE_URL ? undefined : await ensurePostgres({ log, database: 'streamgate_bench' });
  process.env.KAFKA_BROKERS ??= broker?.brokers.join(',');
  process.env.DATABASE_URL ??= postgres?.url;
  await provisionContractTopics((process.env.KAFKA_BROKERS as string).split(','), '');
  const kafka = new Kafka({ clientId: 'bench', brokers: (process.env.KAFKA_BROKERS as string).split(','), logLevel: logLevel.ERROR });
  const platform = await startPlatform({ apps: ['access-control'] });
  const topics = new Topics(platform.prefix);
  try {
    const created = await platform.admin.post('/v1/streams', {
      name: 'trades',
      schema: { type: 'object', required: ['symbol', 'price', 'qty'], properties: { symbol: { type: 'string' }, price: { type: 'number' }, qty: { type: 'integer' } } },
      enrich: [
        { op: 'derive', into: 'data.notional', expr: 'data.price * data.qty' },
        { op: 'redact', paths: ['data.trader'], mode: 'hash' },
        { op: 'pick', paths: ['data.symbol', 'data.price', 'data.qty', 'data.notional', 'data.trader', 'data.side', 'data.seq', 'data.pad'] },
      ],
    });
    if (created.status !== 201) throw new Error(`stream: ${JSON.stringify(created.body)}`);

    // Baseline: bare passthrough between two plain topics with the same partitions.
    const a = `${platform.prefix}bench.a`;
    const b = `${platform.prefix}bench.b`;
    const admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, [a, b].map((topic) => ({ topic, partitions: 6, compacted: false })));
    await admin.disconnect();
    log(`producing ${RECORDS} records of 1 KB twice`);
    await produce(kafka, a);
    await produce(kafka, topics.source('trades'));

    const passthrough = await drainRate(kafka, b, async () => {
      const child = spawn(process.execPath, [join(repoRoot(), 'tools/dist/bench/kafka-passthrough.js'), a, b, `${platform.prefix}bench`], { env: process.env, stdio: 'inherit' });
      return async () => {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      };
    });
    log(`passthrough: ${passthrough.toFixed(0)} records/s`);
    const stage = (app: AppName) => async () => {
      const processes = new AppProcess({ app, env: platform.env, port: 3900 + ['ingest', 'enrichment'].indexOf(app), output: join(platform.logDir, `${app}.log`) });
      await processes.start();
      return () => processes.stop();
    };
    const ingest = await drainRate(kafka, topics.name(TopicName.RecordsValidated), stage('ingest'));
    log(`ingest: ${ingest.toFixed(0)} records/s`);
    const enrichment = await drainRate(kafka, topics.name(TopicName.RecordsEnriched), stage('enrichment'));
    log(`enrichment: ${enrichment.toFixed(0)} records/s`);
    const result = {
      records: RECORDS,
      recordBytes: 1024,
      passthroughPerSecond: Math.round(passthrough),
      ingestPerSecond: Math.round(ingest),
      enrichmentPerSecond: Math.round(enrichment),
      ratios: { ingest: +(ingest / passthrough).toFixed(2), enrichment: +(enrichment / passthrough).toFixed(2) },
    };
    console.log(JSON.stringify(result, null, 2));
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
