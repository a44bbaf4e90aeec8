// `npm run bench:pipeline [-- --records 100000]`: drain throughput of ingest and of enrichment
// (1 KB JSON records), each against a bare kafkajs passthrough measured in the same run on the
// same broker. Records are produced first, then one stage at a time is started and timed from
// its first output to its last, so start-up and producer speed do not count.
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { join } from 'node:path';
import { Partitioners } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { TopicName } from '@streamgate/contracts';
import type { AppName } from '@streamgate/contracts';
import { AppProcess } from '@streamgate/dev-stack';
import { provisionTopics } from '@streamgate/kafka';
import { drainRate, log, numberArg, runBench, startPassthrough, topicCount } from './bench-stack';

const RECORDS = numberArg('records', 100_000);

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

runBench(['access-control'], async ({ kafka, platform, topics }) => {
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

  const passthrough = await drainRate(RECORDS, topicCount(kafka, b), () => startPassthrough(a, b, `${platform.prefix}bench`));
  log(`passthrough: ${passthrough.toFixed(0)} records/s`);
  const stage = (app: AppName, port: number) => async () => {
    const running = new AppProcess({ app, env: platform.env, port, output: join(platform.logDir, `${app}.log`) });
    await running.start();
    return () => running.stop();
  };
  const ingest = await drainRate(RECORDS, topicCount(kafka, topics.name(TopicName.RecordsValidated)), stage('ingest', 3901));
  log(`ingest: ${ingest.toFixed(0)} records/s`);
  const enrichment = await drainRate(RECORDS, topicCount(kafka, topics.name(TopicName.RecordsEnriched)), stage('enrichment', 3902));
  log(`enrichment: ${enrichment.toFixed(0)} records/s`);
  return {
    records: RECORDS,
    recordBytes: 1024,
    passthroughPerSecond: Math.round(passthrough),
    ingestPerSecond: Math.round(ingest),
    enrichmentPerSecond: Math.round(enrichment),
    ratios: { ingest: +(ingest / passthrough).toFixed(2), enrichment: +(enrichment / passthrough).toFixed(2) },
  };
});
