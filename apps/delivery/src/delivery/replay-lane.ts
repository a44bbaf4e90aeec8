import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { SocketEvent, TopicName, Topics } from '@streamgate/contracts';
import { KAFKA, KAFKA_ADMIN } from '@streamgate/kafka';
import type { CompiledFilter } from '@streamgate/expressions';
import type { Admin, Kafka } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { AccessDirectory } from '../access/access-directory.service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { UsageRecorder } from '../metering/usage-recorder';
import { AccessGate, revokeReasonOf } from './access-gate';
import type { RevokeReason } from './access-gate';
import { viewRecords } from './delivery-view';
import { readRanges } from './kafka-range-reader';
import { PartnerPace } from './partner-pace';
import type { Range } from './kafka-range-reader';
import { drainedTo } from './socket-buffers';
import type { ReplayFlow, SocketState } from './socket-registry';
import { compileSubscriberFilter, parseReplay } from './subscription-requests';
import type { ReplayRequest } from './subscription-requests';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

/** Records per replay chunk: the lane checks access, pace and the socket's buffer between chunks. */
const CHUNK = 100;

/** Why a replay was stopped from outside (a revocation), carried by its AbortSignal. */
class ReplayStopped extends Error {
  constructor(readonly reason: RevokeReason) {
    super(reason);
  }
}

/**
 * The replay lane: the retained records of [from, to) (Kafka timestamps of records.enriched)
 * through the same view function as live delivery, narrowed by the request's filter, marked
 * `replay: true`, paced per partner by its plan and by the socket's own reading, then
 * `replay-end`. Before each chunk it asks the access gate again (a narrowed entitlement applies
 * to the next chunk, a closed one ends the replay) and it can be stopped at once through `stop`.
 */
@Injectable()
export class ReplayLane {
  private readonly logger = new Logger(ReplayLane.name);
  private readonly topic: string;
  /** Per partner, shared by all its replays on this instance. */
  private readonly pace = new PartnerPace();
  /** Running replays per partner on this instance. */
  private readonly running = new Map<string, number>();
  private readonly replayed = this.metrics.counter('streamgate_delivery_replayed_records_total', 'Records sent by replays');

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly topics: Topics,
    private readonly gate: AccessGate,
    private readonly access: AccessDirectory,
    private readonly metrics: Metrics,
    private readonly usage: UsageRecorder,
  ) {
    this.topic = topics.name(TopicName.RecordsEnriched);
  }

  async start(socket: Socket, state: SocketState, raw: unknown): Promise<{ replay: string }> {
    const request = parseReplay(raw);
    this.gate.require(state.principal, request.stream);
    const partnerId = state.principal.partnerId;
    if ((this.running.get(partnerId) ?? 0) >= this.config.MAX_REPLAYS_PER_PARTNER) {
      throw new SubscriptionException(SubscriptionErrorCode.TooManyReplays, `a partner may run ${this.config.MAX_REPLAYS_PER_PARTNER} replays at once on an instance`);
    }
    // Compiled only once the request passed the gate and the limit (cost-checked).
    const filter = request.filter === undefined ? undefined : compileSubscriberFilter(request.filter);
    const flow: ReplayFlow = { id: randomUUID(), stream: request.stream, abort: new AbortController() };
    this.running.set(partnerId, (this.running.get(partnerId) ?? 0) + 1);
    state.replays.set(flow.id, flow);
    try {
      const ranges = await this.ranges(request);
      // Started after the ack has gone out, so `replay-end` never precedes it.
      setImmediate(() => void this.run(socket, state, flow, { ...request, filter }, ranges).finally(() => this.release(state, flow)));
    } catch (error) {
      this.release(state, flow);
      throw error;
    }
    return { replay: flow.id };
  }

  /** Stops a running replay before its next chunk; it ends with `replay-end` carrying the reason. */
  stop(flow: ReplayFlow, reason: RevokeReason): void {
    flow.abort.abort(new ReplayStopped(reason));
  }

  private async run(socket: Socket, state: SocketState, flow: ReplayFlow, request: Omit<ReplayRequest, 'filter'> & { filter?: CompiledFilter }, ranges: Range[]): Promise<void> {
    const { principal } = state;
    const signal = flow.abort.signal;
    let count = 0;
    try {
      await readRanges(
        this.kafka,
        this.topic,
        `${this.topics.prefix}streamgate.delivery.replay`,
        ranges,
        async (_partition, records) => {
          for (let i = 0; i < records.length; i += CHUNK) {
            signal.throwIfAborted();
            if (!socket.connected) throw new Error('socket gone');
            // Asked per chunk: what the partner may see now, not when the replay started.
            const verdict = this.gate.check(principal, request.stream);
            if (!verdict.ok) {
              this.stop(flow, revokeReasonOf(verdict.code));
              throw signal.reason;
            }
            const chunk = records.slice(i, i + CHUNK);
            const views = viewRecords(request.stream, this.gate.view(verdict), chunk, {
              filter: request.filter,
              replay: true,
              onError: (record, error) => this.logger.error({ msg: 'record skipped: its view failed', replay: flow.id, pos: record.pos, error: error.message }),
            });
            // Metered before it is pushed (see UsageRecorder).
            this.account(flow, state, views.map((v) => v.bytes));
            for (const view of views) socket.emit(SocketEvent.Record, view.record);
            count += views.length;
            // Paced by what was read, not sent: a filter that matches nothing must not make a replay free.
            const rate = this.access.quota(principal.partnerId)?.replayRecordsPerSecond ?? this.config.REPLAY_RECORDS_PER_SECOND;
            await this.pace.pay(principal.partnerId, chunk.filter((r) => r.stream === request.stream).length, rate, signal);
            await drainedTo(socket, this.config.MAX_SOCKET_BUFFER_BYTES / 2);
          }
        },
        { idleTimeoutMs: this.config.RANGE_READ_IDLE_TIMEOUT, signal },
      );
      signal.throwIfAborted();
      socket.emit(SocketEvent.ReplayEnd, { stream: request.stream, count });
    } catch (error) {
      const reason = signal.reason instanceof ReplayStopped ? signal.reason.reason : undefined;
      if (!reason) this.logger.warn({ msg: 'replay ended early', replay: flow.id, partner: principal.partnerId, error: (error as Error).message });
      if (socket.connected) socket.emit(SocketEvent.ReplayEnd, { stream: request.stream, count, error: reason ?? 'REPLAY_FAILED' });
    }
  }

  private release(state: SocketState, flow: ReplayFlow): void {
    state.replays.delete(flow.id);
    const partnerId = state.principal.partnerId;
    const left = (this.running.get(partnerId) ?? 1) - 1;
    if (left > 0) this.running.set(partnerId, left);
    else this.running.delete(partnerId);
  }

  private async ranges(request: ReplayRequest): Promise<Range[]> {
    const starts = await this.admin.fetchTopicOffsetsByTimestamp(this.topic, request.from);
    const ends = await this.admin.fetchTopicOffsetsByTimestamp(this.topic, request.to);
    return starts.map((s) => ({ partition: s.partition, from: Number(s.offset), to: Number(ends.find((e) => e.partition === s.partition)?.offset ?? s.offset) }));
  }

  private account(flow: ReplayFlow, state: SocketState, bytes: number[]): void {
    if (bytes.length === 0) return;
    let total = 0;
    for (const b of bytes) total += b;
    this.usage.replayed({ replayId: flow.id, partnerId: state.principal.partnerId, keyId: state.principal.keyId, stream: flow.stream }, bytes.length, total);
    this.replayed.inc(bytes.length);
  }
}

