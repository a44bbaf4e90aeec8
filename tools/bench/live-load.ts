// Live load shared by the benchmarks: the open-loop generator (records stamped with their
// scheduled send time) and the subscriber worker processes whose HdrHistograms are merged.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import type { Producer } from 'kafkajs';

const LINGER_MS = 5;
const MAX_SEND = 500;
const PAD = 'x'.repeat(1_000);

/** Where subscribers connect and with what credentials. */
export interface SubscriberTarget {
  url: string;
  auth: Record<string, string>;
}

export async function startWorkers(target: SubscriberTarget, subscribers: number, subscribe: Record<string, unknown> | null): Promise<ChildProcess[]> {
  // A few hundred sockets per client process at most: socket.io-client must not be the bottleneck.
  const perWorker = subscribers <= 100 ? 25 : 250;
  const workers: ChildProcess[] = [];
  for (let left = subscribers; left > 0; left -= perWorker) {
    const config = { url: target.url, sockets: Math.min(perWorker, left), auth: target.auth, subscribe };
    const worker = fork(join(__dirname, 'subscriber-worker.js'), [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { type: string; message?: string }) => (m.type === 'ready' ? resolve() : reject(new Error(m.message))));
      worker.once('exit', (code) => reject(new Error(`subscriber worker exited ${code}`)));
    });
    workers.push(worker);
  }
  return workers;
}

export interface Collected {
  received: number;
  histogram: hdr.Histogram;
  /** Worst latency per second of scheduled send time (epoch second → ms). */
  worst: Map<number, number>;
}

export async function collect(workers: ChildProcess[]): Promise<Collected> {
  const merged = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
  const worst = new Map<number, number>();
  let received = 0;
  for (const worker of workers) {
    const report = await new Promise<{ received: number; histogram: string; worst: Record<string, number> }>((resolve) => {
      worker.once('message', (m: { type: string; received: number; histogram: string; worst: Record<string, number> }) => resolve(m));
      worker.send({ type: 'report' });
    });
    received += report.received;
    merged.add(hdr.decodeFromCompressedBase64(report.histogram));
    for (const [second, ms] of Object.entries(report.worst)) worst.set(Number(second), Math.max(ms, worst.get(Number(second)) ?? 0));
  }
  return { received, histogram: merged, worst };
}

/**
 * Open loop: records carry their scheduled send time; a generator more than 100 ms behind
 * invalidates the run. Records due are sent every LINGER_MS, like Kafka's Java producer
 * (linger.ms = 5 by default since Kafka 4.0); the wait counts in every latency measured.
 */
export async function generate(producer: Producer, topic: string, rate: number, seconds: number): Promise<{ sent: number; valid: boolean; start: number; maxBehindMs: number }> {
  const total = rate * seconds;
  const start = Date.now();
  let sent = 0;
  let valid = true;
  let maxBehindMs = 0;
  // Up to four sends in flight, so the generator is not paced by one acknowledgement at a time.
  const inFlight = new Set<Promise<unknown>>();
  while (sent < total) {
    // At most MAX_SEND records a send: after a stall, what is due could pass the broker's 1 MB
    // batch limit for one partition.
    const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate), sent + MAX_SEND);
    const messages: Array<{ key: string; value: string }> = [];
    for (; sent < due; sent++) messages.push({ key: `k${sent % 64}`, value: JSON.stringify({ sentAt: start + (sent / rate) * 1000, i: sent, pad: PAD }) });
    if (messages.length > 0) {
      const send: Promise<unknown> = producer.send({ topic, acks: -1, messages }).finally(() => inFlight.delete(send));
      inFlight.add(send);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    const behindMs = Date.now() - start - (sent / rate) * 1000;
    if (behindMs > 100) valid = false;
    maxBehindMs = Math.max(maxBehindMs, behindMs);
    // Behind schedule: send the next chunk now rather than linger.
    if (behindMs < LINGER_MS) await new Promise((resolve) => setTimeout(resolve, LINGER_MS));
  }
  await Promise.all(inFlight);
  return { sent, valid, start, maxBehindMs: Math.round(maxBehindMs) };
}
