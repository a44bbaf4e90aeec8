import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { SocketEvent, TopicName, Topics, isIsoTimestamp, isJsonObject } from '@streamgate/contracts';
import type { DeliveredRecord, PartitionPositions } from '@streamgate/contracts';
import { EntitlementError, checkFilter, compilePolicy, policyKey } from '@streamgate/entitlements';
import { KAFKA, KAFKA_ADMIN, fetchEndOffsets } from '@streamgate/kafka';
import type { Admin, Batch, Kafka } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { AccessDirectory } from '../access/access-directory.service';
import type { AccessListener } from '../access/access-directory.service';
import type { Principal } from '../access/socket-authenticator.service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { fanoutBatch } from './fanout';
import { readRanges } from './kafka-range-reader';
import type { Range } from './kafka-range-reader';
import { RecentWindow } from './recent-window';
import { preserialized } from './preserialized-parser';
import { Positions } from './positions';
import { SubscriptionGroups } from './subscription-groups';
import type { GroupRef } from './subscription-groups';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

interface Subscription {
  id: string;
  ref: GroupRef;
  filter?: string;
  /** Set while the subscription is off live delivery: where it resumes from. */
  lagging?: PartitionPositions;
  /** A catch-up (resume or lag recovery) is running. */
  catchingUp?: boolean;
}

/** Records sent per step of a catch-up before checking the socket's buffer. */
const CATCH_UP_CHUNK = 500;

interface SocketState {
  principal: Principal;
  subscriptions: Map<string, Subscription>;
  connectedAt: number;
  expiry?: NodeJS.Timeout;
  expiryWarning?: NodeJS.Timeout;
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

/** Records replayed per replay since the last drain, for usage events (`recordsReplayed`). */
export interface ReplayUsage {
  replayId: string;
  partnerId: string;
  keyId: string;
  stream: string;
  records: number;
  bytes: number;
}

export interface SubscribeResult {
  subscription: string;
  position: PartitionPositions;
  recovered?: boolean;
  earliest?: PartitionPositions;
}

export type RevokeReason = 'KEY_REVOKED' | 'ENTITLEMENT_REVOKED' | 'STREAM_DELETED' | 'TOKEN_EXPIRED' | 'QUOTA_EXCEEDED';

/**
 * This instance's sockets and subscriptions, the push of records.enriched to them through the
 * entitlement groups, and the live enforcement of revocations from the control topics.
 */
@Injectable()
export class DeliveryHub implements OnModuleInit, OnModuleDestroy, AccessListener {
  private readonly logger = new Logger(DeliveryHub.name);
  private server?: Server;
  readonly positions = new Positions();
  readonly groups = new SubscriptionGroups();
  readonly window: RecentWindow;
  private readonly topic: string;
  /** Per partner: seconds of sockets closed in the current window, and the window's peak. */
  private readonly windowConnections = new Map<string, { closedSeconds: number; peak: number; keyIds: Set<string> }>();
  private windowStart = Date.now();
  private readonly sockets = new Map<string, Socket>();
  private readonly byPartner = new Map<string, Set<Socket>>();
  private readonly byKey = new Map<string, Set<Socket>>();
  /** Sockets per partner admitted on this instance (handshakes passed, not yet disconnected). */
  private readonly admitted = new Map<string, number>();
  private readonly delivered = this.metrics.counter('streamgate_delivery_records_total', 'Records pushed to subscriptions (one per subscription)');
  private readonly unreadable = this.metrics.counter('streamgate_delivery_unreadable_total', 'records.enriched values that were not Envelopes');
  private readonly read = this.metrics.counter('streamgate_delivery_records_read_total', 'records.enriched records read by this instance');
  private readonly revocations = this.metrics.counter('streamgate_delivery_revocations_total', 'Subscriptions ended by a revocation', ['reason']);
  private readonly subscriptionsGauge = this.metrics.gauge('streamgate_delivery_subscriptions', 'Open subscriptions on this instance');
  private readonly socketsGauge = this.metrics.gauge('streamgate_delivery_sockets', 'Connected sockets on this instance');
  private readonly groupsGauge = this.metrics.gauge('streamgate_delivery_groups', 'Delivery groups (stream, policy, filter, mode)');

  private readonly catchUps = this.metrics.counter('streamgate_delivery_catch_up_records_total', 'Records sent by resumes, per source', ['source']);
  private readonly lags = this.metrics.counter('streamgate_delivery_lagging_total', 'Subscriptions taken off live delivery for a full output buffer');
  private readonly bufferedGauge = this.metrics.gauge('streamgate_delivery_buffered_bytes', 'Output bytes waiting in socket buffers', ['kind']);
  private lagTimer?: NodeJS.Timeout;
  private readonly replays = new Map<string, ReplayUsage>();
  /** Per partner: when its replay pace allows the next record (shared by all its replays). */
  private readonly replayClock = new Map<string, number>();
  private readonly replayed = this.metrics.counter('streamgate_delivery_replayed_records_total', 'Records sent by replays');

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly topics: Topics,
    private readonly access: AccessDirectory,
    private readonly metrics: Metrics,
  ) {
    this.window = new RecentWindow(config.RECENT_WINDOW_BYTES, config.RECENT_WINDOW_AGE);
    this.topic = topics.name(TopicName.RecordsEnriched);
  }

  onModuleInit(): void {
    this.access.listen(this);
    this.lagTimer = setInterval(() => this.checkBuffers(), 50);
  }

  onModuleDestroy(): void {
    clearInterval(this.lagTimer);
  }

  /**
   * Slow consumers: a socket whose unread output passes MAX_SOCKET_BUFFER_BYTES leaves live
   * delivery (`lag`), so it cannot grow the server's memory or slow the others; once it has
   * drained to a quarter of the bound it catches up from the recent window or Kafka, paced by
   * its own reading, and rejoins live delivery.
   */
  private checkBuffers(): void {
    let total = 0;
    let largest = 0;
    for (const socket of this.sockets.values()) {
      const state = stateOf(socket);
      if (!state || state.subscriptions.size === 0) continue;
      const buffered = bufferedBytes(socket);
      total += buffered;
      largest = Math.max(largest, buffered);
      if (buffered > this.config.MAX_SOCKET_BUFFER_BYTES) {
        for (const subscription of state.subscriptions.values()) if (!subscription.lagging && !subscription.catchingUp) this.lag(socket, subscription, buffered);
      } else if (buffered < this.config.MAX_SOCKET_BUFFER_BYTES / 4) {
        for (const subscription of state.subscriptions.values()) if (subscription.lagging && !subscription.catchingUp) void this.recover(socket, state, subscription);
      }
    }
    this.bufferedGauge.set({ kind: 'total' }, total);
    this.bufferedGauge.set({ kind: 'largest' }, largest);
  }

  private lag(socket: Socket, subscription: Subscription, buffered: number): void {
    // Everything up to the rooms' current positions is already in this socket's buffer.
    subscription.lagging = this.positions.snapshot();
    void socket.leave(subscription.ref.room);
    this.lags.inc();
    socket.emit(SocketEvent.Lag, { stream: subscription.ref.stream, behind: queuedPackets(socket), bufferedBytes: buffered });
  }

  private async recover(socket: Socket, state: SocketState, subscription: Subscription): Promise<void> {
    const since = subscription.lagging as PartitionPositions;
    try {
      await this.catchUp(socket, state, subscription, since);
      subscription.lagging = undefined;
    } catch (error) {
      this.logger.warn({ msg: 'lag recovery failed; retrying', socket: socket.id, error: (error as Error).message });
    }
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
    this.scheduleExpiry(socket, state);
    this.warnIfSoft(socket);
    this.socketsGauge.inc();
  }

  disconnected(socket: Socket): void {
    const state = stateOf(socket);
    if (!state || !this.sockets.delete(socket.id)) return;
    clearTimeout(state.expiry);
    clearTimeout(state.expiryWarning);
    this.admitted.set(state.principal.partnerId, (this.admitted.get(state.principal.partnerId) ?? 1) - 1);
    for (const subscription of state.subscriptions.values()) this.leaveGroup(subscription);
    this.subscriptionsGauge.dec(state.subscriptions.size);
    const window = this.windowOf(state.principal.partnerId);
    window.closedSeconds += (Date.now() - Math.max(state.connectedAt, this.windowStart)) / 1000;
    unindex(this.byPartner, state.principal.partnerId, socket);
    unindex(this.byKey, state.principal.keyId, socket);
    this.socketsGauge.dec();
  }

  /**
   * Admits a new socket of the partner unless its plan's connection limit is reached on this
   * instance (the limit is enforced per delivery instance).
   */
  admit(partnerId: string): boolean {
    const limit = this.access.quota(partnerId)?.maxConnections;
    const current = this.admitted.get(partnerId) ?? 0;
    if (limit !== undefined && limit !== null && current >= limit) return false;
    this.admitted.set(partnerId, current + 1);
    return true;
  }

  /** A new token for a token socket (same partner): timers move, streams it no longer grants end. */
  refresh(socket: Socket, next: Principal): { expiresAt: string } {
    const state = requireState(socket);
    if (!next.token || !state.principal.token) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'refresh is for sockets opened with a token');
    if (next.partnerId !== state.principal.partnerId) throw new SubscriptionException(SubscriptionErrorCode.NotEntitled, 'the new token is for another partner');
    unindex(this.byKey, state.principal.keyId, socket);
    state.principal = next;
    index(this.byKey, next.keyId, socket);
    for (const stream of [...state.subscriptions.keys()]) if (!next.token.streams.includes(stream)) this.revoke(socket, stream, 'ENTITLEMENT_REVOKED');
    this.scheduleExpiry(socket, state);
    return { expiresAt: next.token.expiresAt.toISOString() };
  }

  subscribe(socket: Socket, request: unknown): Promise<SubscribeResult> | SubscribeResult {
    const state = requireState(socket);
    const { stream, filter, batch, since } = parseSubscribe(request);
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
    this.groupsGauge.set(this.groups.size);
    if (since === undefined) {
      void socket.join(ref.room);
      return { subscription: subscription.id, position: this.positions.snapshot() };
    }
    return this.resume(socket, state, subscription, since);
  }

  /**
   * Sends the subscription everything after `since` that Kafka still holds (from the recent
   * window when it reaches back far enough, else from Kafka first), through the same policy
   * and filter as live delivery, then joins the live room in the same tick as the last
   * catch-up record: no gap and no duplicate at the hand-over.
   */
  private async resume(socket: Socket, state: SocketState, subscription: Subscription, since: PartitionPositions | { time: string }): Promise<SubscribeResult> {
    const ends = await fetchEndOffsets(this.admin, this.topic);
    const low = new Map(ends.map((e) => [e.partition, Number(e.low)]));
    const start = 'time' in since ? await this.positionsAt(String(since.time)) : since;
    let recovered = true;
    for (const [partition, earliest] of low) {
      const given = start[String(partition)];
      if (given !== undefined && given + 1 < earliest) recovered = false;
    }
    await this.catchUp(socket, state, subscription, start, low);
    const earliest: PartitionPositions = {};
    for (const [partition, first] of low) earliest[String(partition)] = first - 1;
    return { subscription: subscription.id, position: this.positions.snapshot(), recovered, ...(recovered ? {} : { earliest }) };
  }

  /**
   * Sends the subscription everything after `since` that Kafka still holds (from Kafka where
   * the recent window does not reach back, then from the window), through the same view as
   * live delivery and paced by the socket's own reading, then joins the live room in the same
   * tick as the last catch-up record: no gap and no duplicate at the hand-over.
   */
  private async catchUp(socket: Socket, state: SocketState, subscription: Subscription, since: PartitionPositions, low?: Map<number, number>): Promise<void> {
    subscription.catchingUp = true;
    try {
      const earliest = low ?? new Map((await fetchEndOffsets(this.admin, this.topic)).map((e) => [e.partition, Number(e.low)]));
      // lastSent[p]: the last offset of p this subscription has (been sent or was given).
      const lastSent = new Map<number, number>();
      for (const [partition, first] of earliest) {
        const given = since[String(partition)];
        if (given !== undefined) lastSent.set(partition, Math.max(given, first - 1));
      }
      const member = this.member(state, subscription.ref.stream, subscription.id);
      const send = (partition: number, records: DeliveredRecord[], source: 'window' | 'kafka') => {
        const views = this.groups.viewFor(subscription.ref, member, partition, records);
        if (views.length === 0) return;
        if (subscription.ref.batch) socket.emit(SocketEvent.Records, views);
        else for (const view of views) socket.emit(SocketEvent.Record, view);
        this.catchUps.inc({ source }, views.length);
      };
      const current = () => state.subscriptions.get(subscription.ref.stream) === subscription && socket.connected;
      for (let round = 0; ; round++) {
        if (!current()) throw new SubscriptionException(SubscriptionErrorCode.NotSubscribed, 'unsubscribed during the catch-up');
        if (round > 10_000) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'the catch-up could not reach live delivery; subscribe again');
        const live = this.positions.snapshot();
        const gaps: Range[] = [];
        for (const [partition, after] of lastSent) {
          const end = live[String(partition)] ?? -1;
          if (after >= end || this.window.since(partition, after) !== undefined) continue;
          gaps.push({ partition, from: after + 1, to: this.window.earliest(partition) ?? end + 1 });
        }
        if (gaps.length > 0) {
          await readRanges(this.kafka, this.topic, `${this.topics.prefix}streamgate.delivery.catch-up`, gaps, async (partition, records, lastOffset) => {
            send(partition, records, 'kafka');
            lastSent.set(partition, lastOffset);
            await this.drained(socket);
          });
          continue;
        }
        // Large window remainders go in paced chunks; only the last small part is sent with the join.
        let paced = false;
        for (const [partition, after] of lastSent) {
          const pending = this.window.since(partition, after) ?? [];
          if (pending.length <= CATCH_UP_CHUNK) continue;
          const chunk = pending.slice(0, CATCH_UP_CHUNK);
          send(partition, chunk, 'window');
          lastSent.set(partition, offsetOf((chunk.at(-1) as DeliveredRecord).pos));
          paced = true;
        }
        if (!paced) break;
        await this.drained(socket);
      }
      // From here to the join, nothing yields: the window is exactly what was pushed live so far.
      if (!current()) throw new SubscriptionException(SubscriptionErrorCode.NotSubscribed, 'unsubscribed during the catch-up');
      for (const [partition, after] of lastSent) send(partition, this.window.since(partition, after) ?? [], 'window');
      void socket.join(subscription.ref.room);
    } finally {
      subscription.catchingUp = false;
    }
  }

  /** Resolves once the socket's unread output is under half the bound (or it is gone). */
  private async drained(socket: Socket): Promise<void> {
    while (socket.connected && bufferedBytes(socket) > this.config.MAX_SOCKET_BUFFER_BYTES / 2) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async positionsAt(time: string): Promise<PartitionPositions> {
    if (!isIsoTimestamp(time)) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'since.time must be an ISO-8601 timestamp');
    const offsets = await this.admin.fetchTopicOffsetsByTimestamp(this.topic, Date.parse(time));
    const out: PartitionPositions = {};
    for (const { partition, offset } of offsets) out[String(partition)] = Number(offset) - 1;
    return out;
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
    const { byStream, all, unreadable } = fanoutBatch(batch);
    this.read.inc(batch.messages.length);
    if (unreadable > 0) this.unreadable.inc(unreadable);
    for (const item of all) this.window.append(batch.partition, item.offset, item.record, item.bytes);
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

  /**
   * The replay lane: the retained records of [from, to) (Kafka timestamps of records.enriched)
   * through the same entitlement view as live delivery plus the request's filter, marked
   * `replay: true`, paced per partner by its plan and by the socket's own reading, then
   * `replay-end`. It runs beside live delivery and never holds it up: it yields between chunks.
   */
  async replay(socket: Socket, request: unknown): Promise<{ replay: string }> {
    const state = requireState(socket);
    if (!isJsonObject(request) || typeof request.stream !== 'string' || !isIsoTimestamp(request.from) || !isIsoTimestamp(request.to)) {
      throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'replay needs { stream, from, to } with ISO-8601 times');
    }
    const { stream } = request;
    const from = Date.parse(String(request.from));
    const to = Date.parse(String(request.to));
    if (from >= to) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'from must be before to');
    if (!this.access.hasStream(stream)) throw new SubscriptionException(SubscriptionErrorCode.UnknownStream, `no stream named ${stream}`);
    const policy = this.access.policy(state.principal.partnerId, stream);
    if (!policy || (state.principal.token && !state.principal.token.streams.includes(stream))) throw new SubscriptionException(SubscriptionErrorCode.NotEntitled, `not entitled to ${stream}`);
    if (this.access.quota(state.principal.partnerId)?.state === 'hard') throw new SubscriptionException(SubscriptionErrorCode.QuotaExceeded, 'the partner is over its hard usage limit for this period');
    if (request.filter !== undefined && typeof request.filter !== 'string') throw new SubscriptionException(SubscriptionErrorCode.InvalidFilter, 'filter must be an expression string', 0);
    const filter = request.filter === undefined ? undefined : compileSubscriberFilter(request.filter);
    const view = compilePolicy(policy);
    const replayId = randomUUID();
    const starts = await this.admin.fetchTopicOffsetsByTimestamp(this.topic, from);
    const ends = await this.admin.fetchTopicOffsetsByTimestamp(this.topic, to);
    const ranges: Range[] = starts.map((s) => ({ partition: s.partition, from: Number(s.offset), to: Number(ends.find((e) => e.partition === s.partition)?.offset ?? s.offset) }));
    const usage: ReplayUsage = { replayId, partnerId: state.principal.partnerId, keyId: state.principal.keyId, stream, records: 0, bytes: 0 };
    void (async () => {
      let count = 0;
      try {
        await readRanges(this.kafka, this.topic, `${this.topics.prefix}streamgate.delivery.replay`, ranges, async (_partition, records) => {
          for (let i = 0; i < records.length; i += 100) {
            const out: DeliveredRecord[] = [];
            for (const record of records.slice(i, i + 100)) {
              if (record.stream !== stream) continue;
              const visible = view(record);
              if (!visible) continue;
              const item: DeliveredRecord = { ...record, data: visible.data, meta: visible.meta, replay: true };
              if (filter && !filter(item)) continue;
              const json = JSON.stringify(item);
              out.push(preserialized(item, json));
              usage.records++;
              usage.bytes += Buffer.byteLength(json);
            }
            if (!socket.connected) throw new Error('socket gone');
            for (const item of out) socket.emit(SocketEvent.Record, item);
            count += out.length;
            this.replayed.inc(out.length);
            this.replays.set(replayId, usage);
            await this.pace(state.principal.partnerId, out.length);
            await this.drained(socket);
          }
        });
        socket.emit(SocketEvent.ReplayEnd, { stream, count });
      } catch (error) {
        this.logger.warn({ msg: 'replay ended early', replay: replayId, error: (error as Error).message });
        if (socket.connected) socket.emit(SocketEvent.ReplayEnd, { stream, count, error: 'REPLAY_FAILED' });
      }
    })();
    return { replay: replayId };
  }

  /** Replays' usage since the last call. */
  drainReplays(): ReplayUsage[] {
    const out = [...this.replays.values()].map((u) => ({ ...u }));
    for (const usage of this.replays.values()) {
      usage.records = 0;
      usage.bytes = 0;
    }
    this.replays.clear();
    return out.filter((u) => u.records > 0);
  }

  // A per-partner clock: n records cost n/rate seconds; the next chunk waits until they are paid.
  private async pace(partnerId: string, records: number): Promise<void> {
    if (records === 0) return;
    const rate = this.access.quota(partnerId)?.replayRecordsPerSecond ?? this.config.REPLAY_RECORDS_PER_SECOND;
    const now = Date.now();
    const due = Math.max(now, this.replayClock.get(partnerId) ?? now) + (records / rate) * 1000;
    this.replayClock.set(partnerId, due);
    // Always yield, so live delivery runs between replay chunks.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - now)));
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
    // A lagging or catching-up subscription joins its room when its catch-up ends.
    if (!subscription.lagging && !subscription.catchingUp) void socket.join(ref.room);
  }

  private leaveGroup(subscription: Subscription, socket?: Socket): void {
    if (socket) void socket.leave(subscription.ref.room);
    this.groups.leave(subscription.ref, subscription.id);
    this.groupsGauge.set(this.groups.size);
  }

  private member(state: SocketState, stream: string, subscriptionId: string) {
    return { subscriptionId, partnerId: state.principal.partnerId, keyId: state.principal.keyId, stream };
  }

  // `token-expiring` a minute ahead (a fifth of the lifetime for short tokens), TOKEN_EXPIRED at expiry.
  private scheduleExpiry(socket: Socket, state: SocketState): void {
    clearTimeout(state.expiry);
    clearTimeout(state.expiryWarning);
    const token = state.principal.token;
    if (!token) return;
    const now = Date.now();
    const left = token.expiresAt.getTime() - now;
    const warnBefore = Math.min(60_000, Math.max(0, (token.expiresAt.getTime() - state.connectedAt) / 5));
    state.expiryWarning = setTimeout(() => socket.emit(SocketEvent.TokenExpiring, { expiresAt: token.expiresAt.toISOString() }), Math.max(0, left - warnBefore));
    state.expiry = setTimeout(() => this.end(socket, 'TOKEN_EXPIRED'), Math.max(0, left));
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

function parseSince(since: unknown): PartitionPositions | { time: string } | undefined {
  if (since === undefined || since === null) return undefined;
  if (!isJsonObject(since)) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'since is { "<partition>": <offset>, … } or { time }');
  if ('time' in since) return { time: String(since.time) };
  const out: PartitionPositions = {};
  for (const [partition, offset] of Object.entries(since)) {
    if (!/^\d+$/.test(partition) || typeof offset !== 'number' || !Number.isInteger(offset) || offset < -1) {
      throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'since maps partitions to the last offset seen (integers ≥ -1)');
    }
    out[partition] = offset;
  }
  return out;
}

function parseSubscribe(request: unknown): { stream: string; filter?: string; batch: boolean; since?: PartitionPositions | { time: string } } {
  if (!isJsonObject(request) || typeof request.stream !== 'string') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'subscribe needs { stream }');
  }
  if (request.batch !== undefined && typeof request.batch !== 'boolean') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'batch must be a boolean');
  }
  if (request.filter !== undefined && typeof request.filter !== 'string') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidFilter, 'filter must be an expression string', 0);
  }
  return { stream: request.stream, filter: request.filter, batch: request.batch === true, since: parseSince(request.since) };
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

/** Bytes written to a socket that its client has not taken yet (engine.io queue + WebSocket buffer). */
function bufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as { writeBuffer?: Array<{ data?: unknown }>; transport?: { socket?: { bufferedAmount?: number } } };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) bytes += typeof packet.data === 'string' ? packet.data.length : 0;
  return bytes;
}

function queuedPackets(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}

function offsetOf(pos: string): number {
  return Number(pos.slice(pos.indexOf(':') + 1));
}
