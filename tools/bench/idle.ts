// `node tools/dist/bench/idle.js [-- --rate N]`: CPU of the broker, the database and each app
// with one stream and no traffic (what an idle platform costs), or a trickle of N records/s.
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { Partitioners } from 'kafkajs';
import { log, numberArg, runBench } from './bench-stack';
import { startSampler } from './sampler';

const APPS = ['access-control', 'ingest', 'enrichment', 'delivery', 'metering'] as const;
const RATE = numberArg('rate', 0);

runBench([...APPS], async ({ kafka, platform, topics }) => {
  // A stream, so ingest, enrichment and delivery each have a data topic to follow.
  await platform.admin.post('/v1/streams', { name: 'idle' });
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const sampler = startSampler(
    [...APPS.map((app) => ({ name: app, pids: () => [platform.apps[app].pid ?? 0] })), { name: 'kafka', match: 'kafka.Kafka' }, { name: 'postgres', match: '.local/postgres/' }],
    // Scraping /metrics costs the apps CPU too: only when there is traffic whose hops to report.
    RATE > 0 ? APPS.map((app) => ({ name: app, url: platform.url(app) })) : [],
  );
  const until = Date.now() + 10_000;
  let n = 0;
  while (Date.now() < until) {
    if (RATE > 0) await producer.send({ topic: topics.source('idle'), messages: Array.from({ length: Math.max(1, Math.round(RATE / 10)) }, () => ({ key: `k${n++ % 16}`, value: JSON.stringify({ n, pad: 'x'.repeat(1_000) }) })) });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { cpuPercent, hops } = await sampler.stop();
  await producer.disconnect();
  log(`cpu % at ${RATE} records/s: ${JSON.stringify(cpuPercent)} hops ${JSON.stringify(hops)}`);
  return cpuPercent;
}, {}, process.env.PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF}`] : []);
