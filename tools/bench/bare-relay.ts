// The baseline of `npm run bench`: one process, a kafkajs eachBatch consumer reading a plain
// topic and broadcasting each record with plain Socket.IO — no ingest, enrichment,
// entitlements or metering. Usage: node bare-relay.js <port> <topic> <groupId>
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { benchKafka } from './bench-kafka';

async function main(): Promise<void> {
  const [port, topic, groupId] = process.argv.slice(2);
  if (!port || !topic || !groupId) throw new Error('usage: bare-relay <port> <topic> <groupId>');
  const http = createServer();
  const io = new Server(http, { perMessageDeflate: false, cors: { origin: true } });
  io.on('connection', (socket) => socket.on('subscribe', (_request: unknown, ack?: (a: unknown) => void) => ack?.({ ok: true })));
  await new Promise<void>((resolve) => http.listen(Number(port), '127.0.0.1', resolve));
  const kafka = benchKafka('bench-bare-relay');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) io.emit('record', { pos: `${batch.partition}:${message.offset}`, data: JSON.parse(message.value?.toString('utf8') ?? '{}') });
    },
  });
  process.send?.('ready');
  process.on('SIGTERM', () => void consumer.disconnect().finally(() => process.exit(0)));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
