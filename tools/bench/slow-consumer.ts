// `npm run bench:slow-consumer [-- --rate 500 --seconds 10 --subscribers 50]`: live latency
// (receive time − intended send time) of normal subscribers at a steady open-loop rate, in three
// runs of one session: alone, beside one subscriber that never reads, and beside a running replay.
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { Partitioners } from 'kafkajs';
import type { Socket } from 'socket.io-client';
import { io } from 'socket.io-client';
import { SocketEvent } from '@streamgate/contracts';
import type { DeliveredRecord } from '@streamgate/contracts';
import { waitFor } from '@streamgate/dev-stack';
import { log, numberArg, runBench, subscribeKey } from './bench-stack';

const RATE = numberArg('rate', 500);
const SECONDS = numberArg('seconds', 10);
const SUBSCRIBERS = numberArg('subscribers', 50);

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

runBench(['access-control', 'ingest', 'enrichment', 'delivery', 'metering'], async ({ kafka, platform, topics }) => {
  const key = await subscribeKey(platform, 'ticks');
  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = io(platform.url('delivery'), { auth: { apiKey: key }, transports: ['websocket'], reconnection: false });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  await waitFor('the key', async () => (await open().then((s) => (s.close(), true), () => false)) as boolean, { timeoutMs: 30_000 });
  const latencies: number[] = [];
  const subscribers = await Promise.all(Array.from({ length: SUBSCRIBERS }, open));
  for (const socket of subscribers) {
    socket.on(SocketEvent.Record, (r: DeliveredRecord) => {
      if (typeof r.data.sentAt === 'number' && !r.replay) latencies.push(Date.now() - r.data.sentAt);
    });
    const ack = await socket.timeout(30_000).emitWithAck(SocketEvent.Subscribe, { stream: 'ticks' });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
  }
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const pad = 'x'.repeat(900);

  // Open loop: each record is stamped with the time it was scheduled for, so a stall shows.
  const run = async (label: string) => {
    latencies.length = 0;
    const start = Date.now();
    const total = RATE * SECONDS;
    let sent = 0;
    let late = 0;
    while (sent < total) {
      const due = Math.floor(((Date.now() - start) / 1000) * RATE);
      const batch: Array<{ key: string; value: string }> = [];
      for (; sent < Math.min(due, total); sent++) batch.push({ key: `k${sent % 20}`, value: JSON.stringify({ sentAt: start + (sent / RATE) * 1000, i: sent, pad }) });
      if (batch.length > 0) await producer.send({ topic: topics.source('ticks'), acks: -1, messages: batch });
      if (Date.now() - start - (sent / RATE) * 1000 > 100) late++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(`${label}: deliveries`, async () => latencies.length >= total * SUBSCRIBERS * 0.999, { timeoutMs: 120_000, intervalMs: 100 }).catch(() => undefined);
    const sorted = [...latencies].sort((a, b) => a - b);
    // A run whose generator fell behind its schedule by more than 100 ms is not valid.
    const result = { deliveries: sorted.length, expected: total * SUBSCRIBERS, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1), valid: late === 0 };
    log(`${label}: ${JSON.stringify(result)}`);
    return result;
  };

  // Warm-up (JIT, connections, first fetches): measured, reported, not compared.
  const warmUp = await run('warm-up');
  const alone = await run('alone');
  const slow = await open();
  await slow.timeout(30_000).emitWithAck(SocketEvent.Subscribe, { stream: 'ticks' });
  (slow.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
  const withSlow = await run('with one subscriber that never reads');
  slow.close();
  const replayer = await open();
  const from = new Date(Date.now() - 3_600_000).toISOString();
  await replayer.timeout(30_000).emitWithAck(SocketEvent.Replay, { stream: 'ticks', from, to: new Date().toISOString() });
  const withReplay = await run('with a replay running');
  replayer.close();
  await producer.disconnect();
  for (const socket of subscribers) socket.close();
  return {
    rate: RATE,
    seconds: SECONDS,
    subscribers: SUBSCRIBERS,
    warmUp,
    alone,
    withSlowSubscriber: withSlow,
    withReplay,
    ratios: { p99WithSlow: +(withSlow.p99 / alone.p99).toFixed(2), p99WithReplay: +(withReplay.p99 / alone.p99).toFixed(2) },
  };
}, { MAX_SOCKET_BUFFER_BYTES: String(256 * 1024) });
