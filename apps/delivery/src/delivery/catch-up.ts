import { Inject, Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { SocketEvent, TopicName, Topics } from '@streamgate/contracts';
import type { DeliveredRecord, PartitionPositions } from '@streamgate/contracts';
import { KAFKA, KAFKA_ADMIN, fetchEndOffsets } from '@streamgate/kafka';
import type { Admin, Kafka } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { offsetOf } from './delivery-view';
import { readRanges } from './kafka-range-reader';
import type { Range } from './kafka-range-reader';
import { LiveFeed } from './live-feed';
import { PartnerPace } from './partner-pace';
import { drainedTo } from './socket-buffers';
import { memberOf } from './socket-registry';
import type { SocketState, Subscription } from './socket-registry';
import type { Since } from './subscription-requests';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

/** Records sent per step of a catch-up before checking the socket's buffer. */
const CATCH_UP_CHUNK = 500;

export interface ResumeResult {
  position: PartitionPositions;
  recovered: boolean;
  earliest?: PartitionPositions;
}

/**
 * Resume and lag recovery: a subscription gets everything after a position that Kafka still
 * holds (from the recent window when it reaches back far enough, else from Kafka first),
 * through its group's view, paced by the socket's own reading, and joins its live room in the
 * same tick as the last catch-up record — no gap and no duplicate at the hand-over. Each chunk
 * checks that the subscription is still the socket's: a revocation ends it before the next one.
 */
@Injectable()
export class CatchUp {
  private readonly topic: string;
  /** Per partner, shared by all its catch-ups on this instance (resumes and lag recoveries). */
  private readonly pace = new PartnerPace();
  private readonly records = this.metrics.counter('streamgate_delivery_catch_up_records_total', 'Records sent by resumes, per source', ['source']);

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly topics: Topics,
    private readonly feed: LiveFeed,
    private readonly metrics: Metrics,
  ) {
    this.topic = topics.name(TopicName.RecordsEnriched);
  }

  /** A `subscribe` with `since`: the catch-up, then what the ack reports about retention. */
  async resume(socket: Socket, state: SocketState, subscription: Subscription, since: Since): Promise<ResumeResult> {
    await this.feed.positioned(this.config.RANGE_READ_IDLE_TIMEOUT);
    const low = new Map((await fetchEndOffsets(this.admin, this.topic)).map((e) => [e.partition, Number(e.low)]));
    const start = 'time' in since ? await this.positionsAt(String(since.time)) : since;
    let recovered = true;
    for (const [partition, first] of low) {
      const given = start[String(partition)];
      if (given !== undefined && given + 1 < first) recovered = false;
    }
    await this.run(socket, state, subscription, start, low);
    const earliest: PartitionPositions = {};
    for (const [partition, first] of low) earliest[String(partition)] = first - 1;
    return { position: this.feed.positions.snapshot(), recovered, ...(recovered ? {} : { earliest }) };
  }

  /** Sends the subscription everything after `since`, then joins it to its live room. */
  async run(socket: Socket, state: SocketState, subscription: Subscription, since: PartitionPositions, low?: Map<number, number>): Promise<void> {
    subscription.catchingUp = true;
    try {
      const earliest = low ?? new Map((await fetchEndOffsets(this.admin, this.topic)).map((e) => [e.partition, Number(e.low)]));
      // lastSent[p]: the last offset of p this subscription has (been sent or was given).
      const lastSent = new Map<number, number>();
      for (const [partition, first] of earliest) {
        const given = since[String(partition)];
        if (given !== undefined) lastSent.set(partition, Math.max(given, first - 1));
      }
      const current = () => state.subscriptions.get(subscription.ref.stream) === subscription && socket.connected;
      const send = (partition: number, records: DeliveredRecord[], source: 'window' | 'kafka') => {
        if (!current()) throw new SubscriptionException(SubscriptionErrorCode.NotSubscribed, 'the subscription ended during its catch-up');
        const views = this.feed.groups.viewFor(subscription.ref, memberOf(state, subscription), partition, records);
        if (views.length === 0) return;
        if (subscription.ref.batch) socket.emit(SocketEvent.Records, views);
        else for (const view of views) socket.emit(SocketEvent.Record, view);
        this.records.inc({ source }, views.length);
      };
      for (let round = 0; ; round++) {
        if (round > 10_000) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'the catch-up could not reach live delivery; subscribe again');
        const gaps = this.gaps(lastSent);
        if (gaps.length > 0) {
          await readRanges(
            this.kafka,
            this.topic,
            `${this.topics.prefix}streamgate.delivery.catch-up`,
            gaps,
            async (partition, records, lastOffset) => {
              send(partition, records, 'kafka');
              lastSent.set(partition, lastOffset);
              await this.paced(state, subscription, records);
              await this.drained(socket);
            },
            { idleTimeoutMs: this.config.RANGE_READ_IDLE_TIMEOUT },
          );
          // Read through: a range may end on transaction markers, which carry no record to send.
          for (const gap of gaps) lastSent.set(gap.partition, Math.max(lastSent.get(gap.partition) ?? -1, gap.to - 1));
          continue;
        }
        // Large window remainders go in paced chunks; only the last small part is sent with the join.
        let paced = false;
        for (const [partition, after] of lastSent) {
          const pending = this.feed.window.since(partition, after) ?? [];
          if (pending.length <= CATCH_UP_CHUNK) continue;
          const chunk = pending.slice(0, CATCH_UP_CHUNK);
          send(partition, chunk, 'window');
          lastSent.set(partition, offsetOf((chunk.at(-1) as DeliveredRecord).pos));
          await this.paced(state, subscription, chunk);
          paced = true;
        }
        if (!paced) break;
        await this.drained(socket);
      }
      // From here to the join nothing yields: the window is exactly what was pushed live so far.
      if (!current()) throw new SubscriptionException(SubscriptionErrorCode.NotSubscribed, 'the subscription ended during its catch-up');
      for (const [partition, after] of lastSent) send(partition, this.feed.window.since(partition, after) ?? [], 'window');
      this.feed.groups.live(subscription.ref, memberOf(state, subscription));
      void socket.join(subscription.ref.room);
    } finally {
      subscription.catchingUp = false;
    }
  }

  // The parts of each partition between what was sent and the live position that the window no longer holds.
  private gaps(lastSent: Map<number, number>): Range[] {
    const live = this.feed.positions.snapshot();
    const gaps: Range[] = [];
    for (const [partition, after] of lastSent) {
      const end = live[String(partition)] ?? -1;
      if (after >= end || this.feed.window.since(partition, after) !== undefined) continue;
      gaps.push({ partition, from: after + 1, to: this.feed.window.earliest(partition) ?? end + 1 });
    }
    return gaps;
  }

  // Counted in the stream's records read, so a filter that matches little does not make a catch-up free.
  private paced(state: SocketState, subscription: Subscription, records: DeliveredRecord[]): Promise<void> {
    const read = records.filter((r) => r.stream === subscription.ref.stream).length;
    return this.pace.pay(state.principal.partnerId, read, this.config.CATCH_UP_RECORDS_PER_SECOND);
  }

  private drained(socket: Socket): Promise<void> {
    return drainedTo(socket, this.config.MAX_SOCKET_BUFFER_BYTES / 2);
  }

  private async positionsAt(time: string): Promise<PartitionPositions> {
    const offsets = await this.admin.fetchTopicOffsetsByTimestamp(this.topic, Date.parse(time));
    const out: PartitionPositions = {};
    for (const { partition, offset } of offsets) out[String(partition)] = Number(offset) - 1;
    return out;
  }
}
