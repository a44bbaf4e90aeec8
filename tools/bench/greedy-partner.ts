// The noisy-neighbour benchmark's greedy partner, in a process of its own: with nothing but its
// own key and its own client address it opens sockets up to its limit (and keeps trying), runs
// replays over the whole retained range on every socket, holds live subscriptions with the
// costliest filters the budget accepts (more distinct ones than allowed), loops resumes from the
// start of the range, and hammers bad handshakes. Every refusal is counted by code. Config comes
// as JSON in argv[2]; `stop` closes everything and answers with the tally.
import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { SocketEvent } from '@streamgate/contracts';

export interface GreedyConfig {
  url: string;
  apiKey: string;
  stream: string;
  /** The partner's own client address (a loopback alias): failed handshakes are limited per address. */
  localAddress: string;
  /** Distinct costly filters, more than the per-stream limit. */
  filters: string[];
  replay: { from: string; to: string };
  /** Resumes start here (since.time): the whole retained range. */
  resumeFrom: string;
  /** Pause before a refused request is tried again. */
  retryMs: number;
  badHandshakesPerSecond: number;
}

export type Action = 'connect' | 'replay' | 'subscribe' | 'resume' | 'badHandshake';
export type Tally = Record<Action, { attempts: number; ok: number; refused: Record<string, number> }>;

export interface GreedyReport {
  tally: Tally;
  /** Sockets held at the end of the ramp and at most. */
  socketsAfterRamp: number;
  socketsMax: number;
  /** Distinct filters accepted for live subscriptions. */
  filtersAccepted: number;
  recordsReceived: number;
  replaysEnded: Record<string, number>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as GreedyConfig;
const tally = Object.fromEntries((['connect', 'replay', 'subscribe', 'resume', 'badHandshake'] as Action[]).map((a) => [a, { attempts: 0, ok: 0, refused: {} }])) as Tally;
const sockets = new Set<Socket>();
const acceptedFilters: string[] = [];
const replaysEnded: Record<string, number> = {};
/** Per socket: replay-ends seen, and who waits for the next one. */
const ends = new WeakMap<Socket, { count: number; wake?: () => void }>();
let running = true;
let socketsMax = 0;
let recordsReceived = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function count(action: Action, outcome: { ok: true } | { ok: false; code: string }): void {
  const entry = tally[action];
  entry.attempts++;
  if (outcome.ok) entry.ok++;
  else entry.refused[outcome.code] = (entry.refused[outcome.code] ?? 0) + 1;
}

const codeOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).toUpperCase().replace(/[^A-Z_]+/g, '_');

function connect(auth: Record<string, string>): Promise<Socket> {
  // localAddress reaches the `ws` transport of engine.io-client (not in its typings).
  const options: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 10_000, localAddress: config.localAddress };
  return new Promise((resolve, reject) => {
    const socket = io(config.url, options);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** A socket of the partner's own key; every socket held counts records it is sent. */
async function open(): Promise<Socket | undefined> {
  try {
    const socket = await connect({ apiKey: config.apiKey });
    count('connect', { ok: true });
    socket.on(SocketEvent.Record, () => recordsReceived++);
    socket.on(SocketEvent.Records, (list: unknown[]) => (recordsReceived += list.length));
    const ended: { count: number; wake?: () => void } = { count: 0 };
    ends.set(socket, ended);
    socket.on(SocketEvent.ReplayEnd, (end: { error?: string }) => {
      replaysEnded[end.error ?? 'complete'] = (replaysEnded[end.error ?? 'complete'] ?? 0) + 1;
      ended.count++;
      ended.wake?.();
    });
    socket.on('disconnect', () => {
      sockets.delete(socket);
      ended.wake?.();
    });
    sockets.add(socket);
    socketsMax = Math.max(socketsMax, sockets.size);
    return socket;
  } catch (error) {
    count('connect', { ok: false, code: codeOf(error) });
    return undefined;
  }
}

async function request(action: Action, socket: Socket, event: string, body: Record<string, unknown>, timeoutMs: number): Promise<boolean> {
  try {
    const ack = (await socket.timeout(timeoutMs).emitWithAck(event, body)) as { ok: boolean; error?: { code: string } };
    count(action, ack.ok ? { ok: true } : { ok: false, code: ack.error?.code ?? 'UNKNOWN' });
    return ack.ok;
  } catch (error) {
    count(action, { ok: false, code: codeOf(error) });
    return false;
  }
}

/** Replays over the whole range, one after another; refused ones are tried again. Every other socket filters (nothing matches, so nothing paces the read). */
async function replays(socket: Socket, index: number): Promise<void> {
  const filter = index % 2 === 0 ? { filter: config.filters[0] } : {};
  const ended = ends.get(socket) ?? { count: 0 };
  while (running && socket.connected) {
    const seen = ended.count;
    if (!(await request('replay', socket, SocketEvent.Replay, { stream: config.stream, ...config.replay, ...filter }, 30_000))) {
      await sleep(config.retryMs);
      continue;
    }
    while (ended.count === seen && running && socket.connected) await new Promise<void>((resolve) => (ended.wake = resolve));
  }
}

/** A live subscription with a costly filter (the first socket per filter in record mode, the next in batch mode). */
async function liveSubscription(socket: Socket, slot: number): Promise<boolean> {
  const filter = config.filters[slot % config.filters.length] as string;
  const batch = slot >= config.filters.length;
  const ok = await request('subscribe', socket, SocketEvent.Subscribe, { stream: config.stream, filter, batch }, 30_000);
  if (ok && !acceptedFilters.includes(filter)) acceptedFilters.push(filter);
  return ok;
}

/** A refused live subscription is tried again until accepted. */
async function retryLiveSubscription(socket: Socket, slot: number): Promise<void> {
  while (running && socket.connected) {
    await sleep(config.retryMs);
    if (await liveSubscription(socket, slot)) return;
  }
}

/** Resumes from the start of the range with an accepted costly filter, again as soon as one ends. */
async function resumes(socket: Socket, slot: number): Promise<void> {
  while (running && socket.connected) {
    const filter = acceptedFilters[slot % Math.max(1, acceptedFilters.length)];
    const ok = await request('resume', socket, SocketEvent.Subscribe, { stream: config.stream, since: { time: config.resumeFrom }, ...(filter && { filter }) }, 120_000);
    if (!ok) await sleep(config.retryMs);
  }
}

/** Half the sockets hold live subscriptions, the other half loop resumes; all of them replay. */
function work(socket: Socket, index: number): void {
  void replays(socket, index);
  if (index % 2 === 1) void resumes(socket, index >> 1);
}

/** More sockets than allowed, one every retryMs; one that gets in (a slot freed) joins the work. */
async function moreSockets(): Promise<void> {
  while (running) {
    const socket = await open();
    if (socket) work(socket, sockets.size);
    await sleep(config.retryMs);
  }
}

/** Handshakes with a wrong key, a forged token or nothing, from the partner's own address. */
async function badHandshakes(): Promise<void> {
  const kinds: Array<Record<string, string>> = [{ apiKey: 'sg_0000000000000000000000000000000000000000' }, { token: 'not.a.token' }, {}];
  let inFlight = 0;
  for (let n = 0; running; n++) {
    if (inFlight < 50) {
      inFlight++;
      void connect(kinds[n % kinds.length] as Record<string, string>)
        .then((socket) => (socket.close(), count('badHandshake', { ok: true })), (error: unknown) => count('badHandshake', { ok: false, code: codeOf(error) }))
        .finally(() => inFlight--);
    }
    await sleep(1_000 / config.badHandshakesPerSecond);
  }
}

async function main(): Promise<void> {
  // Up to the limit, ten at a time, until a handshake is refused.
  for (let refused = false; !refused && sockets.size < 10_000; ) {
    const opened = await Promise.all(Array.from({ length: 10 }, open));
    refused = opened.some((socket) => socket === undefined);
  }
  const held = [...sockets];
  const socketsAfterRamp = held.length;
  // Live subscriptions first, one after another, so the accepted filters are known to the resumes.
  const refused: number[] = [];
  for (let i = 0; i < held.length; i += 2) if (!(await liveSubscription(held[i] as Socket, i >> 1))) refused.push(i);
  for (const i of refused) void retryLiveSubscription(held[i] as Socket, i >> 1);
  held.forEach((socket, index) => work(socket, index));
  void moreSockets();
  void badHandshakes();
  const local = (held[0]?.io.engine.transport as unknown as { ws?: { _socket?: { localAddress?: string } } } | undefined)?.ws?._socket?.localAddress;
  process.send?.({ type: 'ramped', sockets: socketsAfterRamp, localAddress: local });
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    running = false;
    for (const socket of sockets) socket.close();
    const report: GreedyReport = { tally, socketsAfterRamp, socketsMax, filtersAccepted: acceptedFilters.length, recordsReceived, replaysEnded };
    process.send?.({ type: 'report', report }, () => process.exit(0));
  });
}

main().catch((error: Error) => {
  process.send?.({ type: 'error', message: error.stack ?? error.message });
  process.exit(1);
});
