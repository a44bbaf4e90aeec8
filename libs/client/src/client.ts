import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { SocketEvent } from '@streamgate/contracts';
import type { DeliveredRecord, ErrorBody, PartitionPositions, SubscribeAck } from '@streamgate/contracts';
import { RecentIds } from './recent-ids';

export interface ClientOptions {
  /** Delivery URLs; on a lost connection the client moves on to the next one. */
  urls: string[];
  apiKey?: string;
  /** A subscription token, or a function minting one (called again before each expiry). */
  token?: string | (() => Promise<string>);
  transports?: Array<'websocket' | 'polling'>;
  /** Recent ids remembered per stream to drop duplicates at a hand-over (default 10,000). */
  dedupeIds?: number;
  /** Delay before reconnecting to the next URL (default 500 ms). */
  reconnectDelayMs?: number;
  /** Tries of a resume the server could not finish (RESUME_FAILED), with backoff; default 5. */
  resumeAttempts?: number;
  /** How long a subscribe (a resume includes its catch-up) may wait for its ack; default 60 s. */
  ackTimeoutMs?: number;
}

export interface SubscribeOptions {
  filter?: string;
  batch?: boolean;
  /** Start from here instead of live (e.g. positions saved by a previous run). */
  since?: PartitionPositions | { time: string };
}

export interface StreamHandlers {
  record(record: DeliveredRecord): void;
  /** After each (re)subscription: whether everything missed was still retained. */
  recovered?(recovered: boolean, earliest?: PartitionPositions): void;
  lag?(behind: number): void;
  revoked?(reason: string): void;
  error?(error: ErrorBody): void;
}

interface StreamState {
  options: SubscribeOptions;
  handlers: StreamHandlers;
  positions?: PartitionPositions;
  /** From the first ack: sent back with every resume, so what was metered is not metered again. */
  lineage?: string;
  seen: RecentIds;
}

/**
 * The partner SDK: authenticates, subscribes, keeps the last position per partition of every
 * stream from each record's `pos`, and on every reconnect (to the same or another delivery
 * instance) resubscribes with those positions as `since`, dropping the duplicate ids a crash
 * can cause. Records reach `record` once, in order per key.
 */
/** Refusals of a subscribe that are worth trying again shortly with the same position. */
const RETRIED = new Set(['RESUME_FAILED', 'TOO_MANY_RESUMES']);

export class StreamgateClient {
  private socket?: Socket;
  private urlIndex = 0;
  private closed = false;
  private readonly streams = new Map<string, StreamState>();
  private readonly listeners: Array<(event: 'connect' | 'disconnect' | 'connect_error', detail?: string) => void> = [];

  constructor(private readonly options: ClientOptions) {
    if (options.urls.length === 0) throw new Error('StreamgateClient needs at least one URL');
  }

  /** Resolves once connected (rejects with the server's code, e.g. UNAUTHORIZED, on refusal). */
  async connect(): Promise<void> {
    await this.open();
  }

  onConnection(listener: (event: 'connect' | 'disconnect' | 'connect_error', detail?: string) => void): void {
    this.listeners.push(listener);
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** The last position seen per partition: persist it to resume across process restarts. */
  positions(stream: string): PartitionPositions | undefined {
    const positions = this.streams.get(stream)?.positions;
    return positions && { ...positions };
  }

  /** Rejects with the server's error (e.g. NOT_ENTITLED) when the first subscription is refused. */
  async subscribe(stream: string, handlers: StreamHandlers, options: SubscribeOptions = {}): Promise<void> {
    const state: StreamState = { options, handlers, positions: undefined, seen: new RecentIds(this.options.dedupeIds ?? 10_000) };
    this.streams.set(stream, state);
    if (!this.socket?.connected) return;
    const error = await this.sendSubscribe(stream, state);
    if (error) {
      this.streams.delete(stream);
      throw Object.assign(new Error(`${error.code}: ${error.message}`), { code: error.code });
    }
  }

  async unsubscribe(stream: string): Promise<void> {
    this.streams.delete(stream);
    if (this.socket?.connected) await this.socket.timeout(10_000).emitWithAck(SocketEvent.Unsubscribe, { stream });
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private async open(): Promise<void> {
    const url = this.options.urls[this.urlIndex % this.options.urls.length] as string;
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    const socket = io(url, {
      auth: this.options.apiKey ? { apiKey: this.options.apiKey } : { token: token ?? '' },
      transports: this.options.transports ?? ['websocket'],
      reconnection: false,
      timeout: 10_000,
    });
    this.socket = socket;
    socket.on(SocketEvent.Record, (record: DeliveredRecord) => this.deliver(record));
    socket.on(SocketEvent.Records, (records: DeliveredRecord[]) => records.forEach((r) => this.deliver(r)));
    socket.on(SocketEvent.Lag, (event: { stream: string; behind: number }) => this.streams.get(event.stream)?.handlers.lag?.(event.behind));
    socket.on(SocketEvent.Revoked, (event: { stream: string; reason: string }) => {
      this.streams.get(event.stream)?.handlers.revoked?.(event.reason);
      this.streams.delete(event.stream);
    });
    socket.on(SocketEvent.TokenExpiring, () => void this.refreshToken());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => {
        this.emit('connect_error', error.message);
        reject(error);
      });
    });
    this.emit('connect');
    socket.on('disconnect', (reason) => {
      this.emit('disconnect', reason);
      if (!this.closed && reason !== 'io client disconnect') this.reconnectSoon();
    });
    try {
      for (const [stream, state] of this.streams) await this.sendSubscribe(stream, state);
    } catch (error) {
      // No ack in time (the server is stuck): this connection is given up, not left open
      // beside the next one (its records would arrive twice).
      socket.close();
      throw error;
    }
  }

  // Another instance may take over: try the next URL, again and again, until closed.
  private reconnectSoon(): void {
    this.urlIndex++;
    setTimeout(() => {
      if (this.closed) return;
      this.open().catch(() => this.reconnectSoon());
    }, this.options.reconnectDelayMs ?? 500);
  }

  /**
   * Returns the refusal, if any; resubscriptions after a reconnect report it to `error`. A
   * resume the server could not finish (RESUME_FAILED) or could not start yet (TOO_MANY_RESUMES:
   * many sockets failing over at once) is retried with backoff while the socket stays up:
   * nothing after the position is lost meanwhile.
   */
  private async sendSubscribe(stream: string, state: StreamState): Promise<ErrorBody | undefined> {
    for (let attempt = 1; ; attempt++) {
      const error = await this.trySubscribe(stream, state);
      if (!RETRIED.has(error?.code ?? '') || attempt >= (this.options.resumeAttempts ?? 5) || !this.socket?.connected || this.streams.get(stream) !== state) {
        if (error) state.handlers.error?.(error);
        return error;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** (attempt - 1))));
    }
  }

  private async trySubscribe(stream: string, state: StreamState): Promise<ErrorBody | undefined> {
    const since = state.positions ?? state.options.since;
    const ack = (await this.socket?.timeout(this.options.ackTimeoutMs ?? 60_000).emitWithAck(SocketEvent.Subscribe, {
      stream,
      filter: state.options.filter,
      batch: state.options.batch,
      ...(since ? { since } : {}),
      ...(since && state.lineage ? { lineage: state.lineage } : {}),
    })) as SubscribeAck;
    if (!ack.ok) return ack.error;
    state.lineage = ack.lineage;
    // Positions from the ack cover every partition; records move them on.
    state.positions = { ...ack.position, ...(state.positions ?? {}) };
    for (const [partition, offset] of Object.entries(ack.position)) state.positions[partition] = Math.max(state.positions[partition] ?? -1, offset);
    if (since) state.handlers.recovered?.(ack.recovered ?? true, ack.earliest);
    return undefined;
  }

  private deliver(record: DeliveredRecord): void {
    const state = this.streams.get(record.stream);
    if (!state) return;
    const [partition, offset] = record.pos.split(':') as [string, string];
    const positions = (state.positions ??= {});
    positions[partition] = Math.max(positions[partition] ?? -1, Number(offset));
    if (state.seen.firstTime(record.id)) state.handlers.record(record);
  }

  private async refreshToken(): Promise<void> {
    if (typeof this.options.token !== 'function') return;
    const token = await this.options.token();
    this.socket?.emit(SocketEvent.Refresh, { token });
  }

  private emit(event: 'connect' | 'disconnect' | 'connect_error', detail?: string): void {
    for (const listener of this.listeners) listener(event, detail);
  }
}
