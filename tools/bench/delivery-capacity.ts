// `npm run bench:delivery [-- --connections 5000 --records 50000]`: memory per idle Socket.IO
// connection on a delivery instance, and the catch-up rate of a resume served from Kafka
// (recent window off), next to a bare kafkajs read of the same range in the same run.
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { Partitioners } from 'kafkajs';
import type { Socket } from 'socket.io-client';
import { io } from 'socket.io-client';
import { SocketEvent, TopicName } from '@streamgate/contracts';
import type { PartitionPositions, SubscribeAck } from '@streamgate/contracts';
import { waitFor } from '@streamgate/dev-stack';
import { benchKafka } from './bench-kafka';
import { log, metric, numberArg, runBench, subscribeKey } from './bench-stack';

const CONNECTIONS = numberArg('connections', 5_000);
const RECORDS = numberArg('records', 50_000);

runBench(['access-control', 'ingest', 'enrichment', 'delivery'], async ({ kafka, platform, topics }) => {
  const delivery = platform.url('delivery');
  const key = await subscribeKey(platform, 'bench');
  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = io(delivery, { auth: { apiKey: key }, transports: ['websocket'], reconnection: false, timeout: 30_000 });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  await waitFor('the key to reach delivery', async () => (await open().then((s) => (s.close(), true), () => false)) as boolean, { timeoutMs: 30_000 });

  // 1. Memory per idle connection.
  const rssBefore = await metric(delivery, 'process_resident_memory_bytes');
  const heapBefore = await metric(delivery, 'nodejs_heap_size_used_bytes');
  const sockets: Socket[] = [];
  for (let i = 0; i < CONNECTIONS; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, CONNECTIONS - i) }, open))));
  await waitFor('the sockets to settle', async () => (await metric(delivery, 'streamgate_delivery_sockets')) >= CONNECTIONS, { timeoutMs: 60_000 });
  const rssAfter = await metric(delivery, 'process_resident_memory_bytes');
  const heapAfter = await metric(delivery, 'nodejs_heap_size_used_bytes');
  for (const socket of sockets) socket.close();
  const perConnection = { rssKb: +((rssAfter - rssBefore) / CONNECTIONS / 1024).toFixed(1), heapKb: +((heapAfter - heapBefore) / CONNECTIONS / 1024).toFixed(1) };
  log(`memory per idle connection: ${JSON.stringify(perConnection)}`);

  // 2. Catch-up from Kafka: a resume from before RECORDS records, the recent window off.
  const subscriber = await open();
  const ack = (await subscriber.timeout(30_000).emitWithAck(SocketEvent.Subscribe, { stream: 'bench' })) as SubscribeAck;
  if (!ack.ok) throw new Error(ack.error.message);
  const since: PartitionPositions = ack.position;
  subscriber.close();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let from = 0; from < RECORDS; from += 1_000) {
    await producer.send({ topic: topics.source('bench'), acks: -1, messages: Array.from({ length: 1_000 }, (_, j) => ({ key: `k${(from + j) % 50}`, value: JSON.stringify({ n: from + j, pad: 'x'.repeat(900) }) })) });
  }
  await producer.disconnect();
  const enriched = topics.name(TopicName.RecordsEnriched);
  const admin = kafka.admin();
  await admin.connect();
  await waitFor('the pipeline', async () => (await admin.fetchTopicOffsets(enriched)).reduce((n, p) => n + Number(p.high), 0) >= RECORDS, { timeoutMs: 120_000 });
  await admin.disconnect();

  // Baseline: a bare kafkajs consumer reading the same topic from the start.
  const bare = benchKafka('bench-bare').consumer({ groupId: `${platform.prefix}bench-bare`, maxWaitTimeInMs: 100 });
  await bare.connect();
  await bare.subscribe({ topic: enriched, fromBeginning: true });
  let read = 0;
  const bareStart = performance.now();
  await new Promise<void>((resolve) => void bare.run({ eachBatch: async ({ batch }) => { read += batch.messages.length; if (read >= RECORDS) resolve(); } }));
  const bareRate = (read / (performance.now() - bareStart)) * 1000;
  await bare.disconnect();

  const resumer = await open();
  let received = 0;
  resumer.on(SocketEvent.Record, () => received++);
  const resumeStart = performance.now();
  const resumed = (await resumer.timeout(300_000).emitWithAck(SocketEvent.Subscribe, { stream: 'bench', since })) as SubscribeAck;
  await waitFor('the catch-up', async () => received >= RECORDS, { timeoutMs: 300_000, intervalMs: 20 });
  const catchUpRate = (received / (performance.now() - resumeStart)) * 1000;
  resumer.close();
  log(`catch-up from Kafka: ${catchUpRate.toFixed(0)} records/s (bare kafkajs read: ${bareRate.toFixed(0)}/s), recovered ${resumed.ok && resumed.recovered}`);
  return {
    connections: CONNECTIONS,
    memoryPerIdleConnection: perConnection,
    catchUp: { records: RECORDS, fromKafkaPerSecond: Math.round(catchUpRate), bareKafkaReadPerSecond: Math.round(bareRate), ratio: +(catchUpRate / bareRate).toFixed(2) },
  };
}, { RECENT_WINDOW_BYTES: '0' });
