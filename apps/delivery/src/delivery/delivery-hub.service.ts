import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { SocketEvent, isValidStreamName } from '@streamgate/contracts';
import type { DeliveredRecord, PartitionPositions, SubscribeRequest } from '@streamgate/contracts';
import type { Batch } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { fanoutBatch } from './fanout';
import { Positions } from './positions';
import { StreamDirectory } from './stream-directory.service';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

interface SocketState {
  /** stream → subscription id */
  subscriptions: Map<string, string>;
}

// One room per stream and delivery mode: Socket.IO encodes a broadcast once per room.
const recordRoom = (stream: string) => `r:${stream}`;
const batchRoom = (stream: string) => `b:${stream}`;

/** Subscriptions of this instance's sockets, and the push of records.enriched to them. */
@Injectable()
export class DeliveryHub {
  private server?: Server;
  readonly positions = new Positions();
  private readonly delivered = this.metrics.counter('streamgate_delivery_records_total', 'Records pushed, counted once per room broadcast', ['mode']);
  private readonly unreadable = this.metrics.counter('streamgate_delivery_unreadable_total', 'records.enriched values that were not Envelopes');
  private readonly subscriptionsGauge = this.metrics.gauge('streamgate_delivery_subscriptions', 'Open subscriptions on this instance');

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    private readonly streams: StreamDirectory,
    private readonly metrics: Metrics,
  ) {}

  attach(server: Server): void {
    this.server = server;
  }

  subscribe(socket: Socket, request: unknown): { subscription: string; position: PartitionPositions } {
    const { stream, batch } = parseSubscribe(request);
    if (!this.streams.has(stream)) throw new SubscriptionException(SubscriptionErrorCode.UnknownStream, `no stream named ${stream}`);
    const state = stateOf(socket);
    if (!state.subscriptions.has(stream) && state.subscriptions.size >= this.config.MAX_SUBSCRIPTIONS_PER_SOCKET) {
      throw new SubscriptionException(SubscriptionErrorCode.TooManySubscriptions, `a socket may hold ${this.config.MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions`);
    }
    const subscription = state.subscriptions.get(stream) ?? randomUUID();
    if (!state.subscriptions.has(stream)) this.subscriptionsGauge.inc();
    state.subscriptions.set(stream, subscription);
    void socket.leave(batch ? recordRoom(stream) : batchRoom(stream));
    void socket.join(batch ? batchRoom(stream) : recordRoom(stream));
    return { subscription, position: this.positions.snapshot() };
  }

  unsubscribe(socket: Socket, request: unknown): void {
    const stream = isObject(request) && typeof request.stream === 'string' ? request.stream : undefined;
    const state = stateOf(socket);
    if (stream === undefined || !state.subscriptions.has(stream)) {
      throw new SubscriptionException(SubscriptionErrorCode.NotSubscribed, `not subscribed to ${String(stream)}`);
    }
    state.subscriptions.delete(stream);
    this.subscriptionsGauge.dec();
    void socket.leave(recordRoom(stream));
    void socket.leave(batchRoom(stream));
  }

  disconnected(socket: Socket): void {
    this.subscriptionsGauge.dec(stateOf(socket).subscriptions.size);
  }

  /** Pushes one batch of records.enriched to the rooms of its streams. */
  publish(batch: Pick<Batch, 'partition' | 'messages'>): void {
    const { byStream, unreadable } = fanoutBatch(batch);
    if (unreadable > 0) this.unreadable.inc(unreadable);
    const server = this.server;
    if (server) {
      for (const [stream, records] of byStream) this.push(server, stream, records);
    }
    const last = batch.messages.at(-1);
    if (last) this.positions.set(batch.partition, Number(last.offset));
  }

  // The adapter encodes a broadcast before looking at the room, so empty rooms are skipped here.
  private push(server: Server, stream: string, records: DeliveredRecord[]): void {
    const rooms = server.sockets.adapter.rooms;
    if (rooms.get(recordRoom(stream))?.size) {
      const room = server.to(recordRoom(stream));
      for (const record of records) room.emit(SocketEvent.Record, record);
      this.delivered.inc({ mode: 'record' }, records.length);
    }
    if (rooms.get(batchRoom(stream))?.size) {
      server.to(batchRoom(stream)).emit(SocketEvent.Records, records);
      this.delivered.inc({ mode: 'batch' }, records.length);
    }
  }
}

function stateOf(socket: Socket): SocketState {
  const data = socket.data as { delivery?: SocketState };
  data.delivery ??= { subscriptions: new Map() };
  return data.delivery;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function parseSubscribe(request: unknown): SubscribeRequest {
  if (!isObject(request) || typeof request.stream !== 'string') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'subscribe needs { stream }');
  }
  if (!isValidStreamName(request.stream)) {
    throw new SubscriptionException(SubscriptionErrorCode.UnknownStream, `no stream named ${JSON.stringify(request.stream.slice(0, 64))}`);
  }
  if (request.batch !== undefined && typeof request.batch !== 'boolean') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'batch must be a boolean');
  }
  return { stream: request.stream, batch: request.batch === true };
}
