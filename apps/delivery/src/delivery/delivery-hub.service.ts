import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { SocketEvent, isJsonObject } from '@streamgate/contracts';
import type { PartitionPositions } from '@streamgate/contracts';
import { EntitlementError, checkFilter, policyKey } from '@streamgate/entitlements';
import type { Batch } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { AccessDirectory } from '../access/access-directory.service';
import type { AccessListener } from '../access/access-directory.service';
import type { Principal } from '../access/socket-authenticator.service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { fanoutBatch } from './fanout';
import { Positions } from './positions';
import { SubscriptionGroups } from './subscription-groups';
import type { GroupRef } from './subscription-groups';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

interface Subscription {
  id: string;
  ref: GroupRef;
  filter?: string;
}

interface SocketState {
  principal: Principal;
  subscriptions: Map<string, Subscription>;
  connectedAt: number;
  expiry?: NodeJS.Timeout;
  /** Billing period of the last soft-quota warning sent to this socket. */
  warnedPeriod?: string;
}

/** Connection time and peak concurrency of one partner on this instance, per metering window. */
export interface ConnectionUsage {
  partnerId: string;
  keyIds: string[];
  connectionSeconds: number;
  peakConnections: number;
}

export type RevokeReason = 'KEY_REVOKED' | 'ENTITLEMENT_REVOKED' | 'STREAM_DELETED' | 'TOKEN_EXPIRED' | 'QUOTA_EXCEEDED';

/**
 * This instance's sockets and subscriptions, the push of records.enriched to them through the
 * entitlement groups, and the live enforcement of revocations from the control topics.
 */
@Injectable()
export class DeliveryHub implements OnModuleInit, AccessListener {
  private readonly logger = new Logger(DeliveryHub.name);
  private server?: Server;
  readonly positions = new Positions();
  readonly groups = new SubscriptionGroups();
  /** Per partner: seconds of sockets closed in the current window, and the window's peak. */
  private readonly windowConnections = new Map<string, { closedSeconds: number; peak: number; keyIds: Set<string> }>();
  private windowStart = Date.now();
  private readonly sockets = new Map<string, Socket>();
  private readonly byPartner = new Map<string, Set<Socket>>();
  private readonly byKey = new Map<string, Set<Socket>>();
  private readonly delivered = this.metrics.counter('streamgate_delivery_records_total', 'Records pushed to subscriptions (one per subscription)');
  private readonly unreadable = this.metrics.counter('streamgate_delivery_unreadable_total', 'records.enriched values that were not Envelopes');
  private readonly revocations = this.metrics.counter('streamgate_delivery_revocations_total', 'Subscriptions ended by a revocation', ['reason']);
  private readonly subscriptionsGauge = this.metrics.gauge('streamgate_delivery_subscriptions', 'Open subscriptions on this instance');
  private readonly socketsGauge = this.metrics.gauge('streamgate_delivery_sockets', 'Connected sockets on this instance');
  private readonly groupsGauge = this.metrics.gauge('streamgate_delivery_groups', 'Delivery groups (stream, policy, filter, mode)');

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    private readonly access: AccessDirectory,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.access.listen(this);
  }

  attach(server: Server): void {
    this.server = server;
  }

  connected(socket: Socket, principal: Principal): void {
    const state: SocketState = { principal, subscriptions: new Map(), connectedAt: Date.now() };
    socket.data.delivery = state;
    this.sockets.set(socket.id, socket);
    index(this.byPartner, principal.partnerId, socket);
    index(this.byKey, principal.keyId, socket);
    const window = this.windowOf(principal.partnerId);
    window.keyIds.add(principal.keyId);
    window.peak = Math.max(window.peak, this.byPartner.get(principal.partnerId)?.size ?? 0);
    if (principal.token) {
      const ms = principal.token.expiresAt.getTime() - Date.now();
      state.expiry = setTimeout(() => this.end(socket, 'TOKEN_EXPIRED'), Math.max(0, ms));
    }
    this.warnIfSoft(socket);
    this.socketsGauge.inc();
  }

  disconnected(socket: Socket): void {
    const state = stateOf(socket);
    if (!state || !this.sockets.delete(socket.id)) return;
    clearTimeout(state.expiry);
    for (const subscription of state.subscriptions.values()) this.leaveGroup(subscription);
    this.subscriptionsGauge.dec(state.subscriptions.size);
    const window = this.windowOf(state.principal.partnerId);
    window.closedSeconds += (Date.now() - Math.max(state.connectedAt, this.windowStart)) / 1000;
    unindex(this.byPartner, state.principal.partnerId, socket);
    unindex(this.byKey, state.principal.keyId, socket);
    this.socketsGauge.dec();
  }

  subscribe(socket: Socket, request: unknown): { subscription: string; position: PartitionPositions } {
    const state = requireState(socket);
    const { stream, filter, batch } = parseSubscribe(request);
    if (!this.access.hasStream(stream)) throw new SubscriptionException(SubscriptionErrorCode.UnknownStream, `no stream named ${stream}`);
    const policy = this.access.policy(state.principal.partnerId, stream);
    if (!policy || (state.principal.token && !state.principal.token.streams.includes(stream))) {
      throw new SubscriptionException(SubscriptionErrorCode.NotEntitled, `not entitled to ${stream}`);
    }
    if (this.access.quota(state.principal.partnerId)?.state === 'hard') {
      throw new SubscriptionException(SubscriptionErrorCode.QuotaExceeded, 'the partner is over its hard usage limit for this period');
    }
    const previous = state.subscriptions.get(stream);
    if (!previous && state.subscriptions.size >= this.config.MAX_SUBSCRIPTIONS_PER_SOCKET) {
      throw new SubscriptionException(SubscriptionErrorCode.TooManySubscriptions, `a socket may hold ${this.config.MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions`);
    }
    const compiled = filter === undefined ? undefined : compileSubscriberFilter(filter);
    // A re-subscribe is a new subscription: what it receives is metered apart from the old one.
    const id = randomUUID();
    const ref = this.groups.join(stream, policy, compiled && { source: filter as string, compiled }, batch, this.member(state, stream, id));
    if (previous) this.leaveGroup(previous, socket);
    else this.subscriptionsGauge.inc();
    const subscription: Subscription = { id, ref, filter };
    state.subscriptions.set(stream, subscription);
    void socket.join(ref.room);
    this.groupsGauge.set(this.groups.size);
    return { subscription: subscription.id, position: this.positions.snapshot() };
  }

  unsubscribe(socket: Socket, request: unknown): void {
    const state = requireState(socket);
    const stream = isJsonObject(request) && typeof request.stream === 'string' ? request.stream : undefined;
    const subscription = stream === undefined ? undefined : state.subscriptions.get(stream);
    if (!stream || !subscription) throw new SubscriptionException(SubscriptionErrorCode.NotSubscribed, `not subscribed to ${String(stream)}`);
    state.subscriptions.delete(stream);
    this.leaveGroup(subscription, socket);
    this.subscriptionsGauge.dec();
  }

  /** Pushes one batch of records.enriched through the groups of its streams. */
  publish(batch: Pick<Batch, 'partition' | 'messages'>): void {
    const { byStream, unreadable } = fanoutBatch(batch);
    if (unreadable > 0) this.unreadable.inc(unreadable);
    const server = this.server;
    if (server) {
      for (const [stream, records] of byStream) {
        const routed = this.groups.route(stream, batch.partition, records, (room, asBatch, list) => {
          const target = server.to(room);
          if (asBatch) target.emit(SocketEvent.Records, list);
          else for (const record of list) target.emit(SocketEvent.Record, record);
        });
        if (routed > 0) this.delivered.inc(routed);
      }
    }
    const last = batch.messages.at(-1);
    if (last) this.positions.set(batch.partition, Number(last.offset));
  }

  // --- live enforcement (AccessListener) ---

  keyRevoked(keyId: string): void {
    for (const socket of [...(this.byKey.get(keyId) ?? [])]) this.end(socket, 'KEY_REVOKED');
  }

  entitlementsChanged(partnerId: string): void {
    for (const socket of this.byPartner.get(partnerId) ?? []) {
      const state = requireState(socket);
      for (const [stream, subscription] of [...state.subscriptions]) {
        const policy = this.access.policy(partnerId, stream);
        if (!policy) this.revoke(socket, stream, 'ENTITLEMENT_REVOKED');
        else if (policyKey(policy) !== subscription.ref.policyKey) this.regroup(socket, subscription, policy);
      }
    }
  }

  quotaChanged(partnerId: string): void {
    const quota = this.access.quota(partnerId);
    for (const socket of [...(this.byPartner.get(partnerId) ?? [])]) {
      if (quota?.state === 'hard') {
        for (const stream of [...requireState(socket).subscriptions.keys()]) this.revoke(socket, stream, 'QUOTA_EXCEEDED');
      } else this.warnIfSoft(socket);
    }
  }

  /** Connection time and peaks per partner since the last call; starts the next window. */
  drainConnections(now = Date.now()): ConnectionUsage[] {
    const usage = new Map<string, ConnectionUsage>();
    for (const [partnerId, window] of this.windowConnections) {
      usage.set(partnerId, { partnerId, keyIds: [...window.keyIds], connectionSeconds: window.closedSeconds, peakConnections: window.peak });
    }
    for (const socket of this.sockets.values()) {
      const state = requireState(socket);
      const entry = usage.get(state.principal.partnerId) ?? { partnerId: state.principal.partnerId, keyIds: [state.principal.keyId], connectionSeconds: 0, peakConnections: 0 };
      entry.connectionSeconds += (now - Math.max(state.connectedAt, this.windowStart)) / 1000;
      usage.set(state.principal.partnerId, entry);
    }
    this.windowConnections.clear();
    this.windowStart = now;
    for (const [partnerId, sockets] of this.byPartner) {
      const keyIds = new Set([...sockets].map((s) => requireState(s).principal.keyId));
      this.windowConnections.set(partnerId, { closedSeconds: 0, peak: sockets.size, keyIds });
    }
    return [...usage.values()].filter((u) => u.connectionSeconds > 0 || u.peakConnections > 0);
  }

  streamDeleted(stream: string): void {
    for (const socket of this.sockets.values()) {
      if (stateOf(socket)?.subscriptions.has(stream)) this.revoke(socket, stream, 'STREAM_DELETED');
    }
  }

  /** Ends every subscription of the socket with `revoked`, then disconnects it. */
  private end(socket: Socket, reason: RevokeReason): void {
    const state = stateOf(socket);
    for (const stream of [...(state?.subscriptions.keys() ?? [])]) this.revoke(socket, stream, reason);
    this.logger.log({ msg: 'socket ended', reason, partner: state?.principal.partnerId, socket: socket.id });
    socket.disconnect(true);
  }

  private revoke(socket: Socket, stream: string, reason: RevokeReason): void {
    const state = requireState(socket);
    const subscription = state.subscriptions.get(stream);
    if (!subscription) return;
    state.subscriptions.delete(stream);
    this.leaveGroup(subscription, socket);
    this.subscriptionsGauge.dec();
    this.revocations.inc({ reason });
    socket.emit(SocketEvent.Revoked, { stream, reason });
  }

  // Single-threaded: between leaving the old room and joining the new one no record is pushed.
  private regroup(socket: Socket, subscription: Subscription, policy: NonNullable<ReturnType<AccessDirectory['policy']>>): void {
    const { stream, batch } = subscription.ref;
    const filter = subscription.filter === undefined ? undefined : { source: subscription.filter, compiled: compileSubscriberFilter(subscription.filter) };
    const ref = this.groups.join(stream, policy, filter, batch, this.member(requireState(socket), stream, subscription.id));
    this.leaveGroup(subscription, socket);
    subscription.ref = ref;
    void socket.join(ref.room);
  }

  private leaveGroup(subscription: Subscription, socket?: Socket): void {
    if (socket) void socket.leave(subscription.ref.room);
    this.groups.leave(subscription.ref, subscription.id);
    this.groupsGauge.set(this.groups.size);
  }

  private member(state: SocketState, stream: string, subscriptionId: string) {
    return { subscriptionId, partnerId: state.principal.partnerId, keyId: state.principal.keyId, stream };
  }

  private warnIfSoft(socket: Socket): void {
    const state = requireState(socket);
    const quota = this.access.quota(state.principal.partnerId);
    if (quota?.state !== 'soft' || state.warnedPeriod === quota.period) return;
    state.warnedPeriod = quota.period;
    socket.emit(SocketEvent.Quota, { state: quota.state, used: quota.used, limit: quota.limit });
  }

  private windowOf(partnerId: string) {
    let window = this.windowConnections.get(partnerId);
    if (!window) this.windowConnections.set(partnerId, (window = { closedSeconds: 0, peak: 0, keyIds: new Set() }));
    return window;
  }
}

function compileSubscriberFilter(source: string) {
  try {
    return checkFilter(source);
  } catch (error) {
    if (error instanceof EntitlementError) {
      throw new SubscriptionException(SubscriptionErrorCode.InvalidFilter, error.message, error.position);
    }
    throw error;
  }
}

function parseSubscribe(request: unknown): { stream: string; filter?: string; batch: boolean } {
  if (!isJsonObject(request) || typeof request.stream !== 'string') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'subscribe needs { stream }');
  }
  if (request.batch !== undefined && typeof request.batch !== 'boolean') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'batch must be a boolean');
  }
  if (request.filter !== undefined && typeof request.filter !== 'string') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidFilter, 'filter must be an expression string', 0);
  }
  return { stream: request.stream, filter: request.filter, batch: request.batch === true };
}

function stateOf(socket: Socket): SocketState | undefined {
  return (socket.data as { delivery?: SocketState }).delivery;
}

function requireState(socket: Socket): SocketState {
  const state = stateOf(socket);
  if (!state) throw new Error('socket without delivery state (handshake middleware not run)');
  return state;
}

function index(map: Map<string, Set<Socket>>, key: string, socket: Socket): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(socket);
}

function unindex(map: Map<string, Set<Socket>>, key: string, socket: Socket): void {
  const set = map.get(key);
  set?.delete(socket);
  if (set?.size === 0) map.delete(key);
}
