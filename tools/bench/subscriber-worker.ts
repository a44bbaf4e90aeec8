// A benchmark subscriber process: opens N real socket.io-client connections, subscribes, and
// records latency = receive time − the record's scheduled send time in an HdrHistogram, sent
// to the parent (encoded) when told to stop. Config comes as JSON in argv[2].
import * as hdr from 'hdr-histogram-js';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';

interface WorkerConfig {
  url: string;
  sockets: number;
  auth: Record<string, string>;
  /** Null: connect only (idle connections for the memory scenario). */
  subscribe: Record<string, unknown> | null;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
let received = 0;
// The worst latency per second of scheduled send time: says when in a run the tail happened.
const worst = new Map<number, number>();

function record(data: { sentAt?: number } | undefined, now: number): void {
  if (typeof data?.sentAt !== 'number') return;
  received++;
  const latency = Math.max(1, now - data.sentAt);
  histogram.recordValue(latency);
  const second = Math.floor(data.sentAt / 1000);
  if (latency > (worst.get(second) ?? 0)) worst.set(second, latency);
}

async function open(): Promise<Socket> {
  const socket = io(config.url, { auth: config.auth, transports: ['websocket'], reconnection: false, timeout: 30_000 });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on('record', (r: { data?: { sentAt?: number } }) => record(r.data, Date.now()));
  socket.on('records', (list: Array<{ data?: { sentAt?: number } }>) => {
    const now = Date.now();
    for (const r of list) record(r.data, now);
  });
  if (config.subscribe === null) return socket;
  const ack = (await socket.timeout(60_000).emitWithAck('subscribe', config.subscribe)) as { ok: boolean };
  if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
  return socket;
}

async function main(): Promise<void> {
  // Opened 50 at a time: a server handling thousands of simultaneous handshakes measures its backlog.
  const sockets: Socket[] = [];
  for (let i = 0; i < config.sockets; i += 50) sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, config.sockets - i) }, open))));
  process.send?.({ type: 'ready' });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'reset') {
      histogram.reset();
      worst.clear();
      received = 0;
    }
    if (message.type === 'report') process.send?.({ type: 'report', received, histogram: hdr.encodeIntoCompressedBase64(histogram), worst: Object.fromEntries(worst) });
    if (message.type === 'stop') {
      for (const socket of sockets) socket.close();
      process.exit(0);
    }
  });
}

main().catch((error: Error) => {
  process.send?.({ type: 'error', message: error.message });
  process.exit(1);
});
