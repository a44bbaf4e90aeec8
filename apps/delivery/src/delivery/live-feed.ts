import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Server } from 'socket.io';
import { SocketEvent } from '@streamgate/contracts';
import type { DeliveredRecord } from '@streamgate/contracts';
import type { Batch } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import { UsageRecorder } from '../metering/usage-recorder';
import type { DeliveryConfig } from '../config/delivery.config';
import { DeferredRooms } from './deferred-rooms';
import { fanoutBatch } from './fanout';
import { Positions } from './positions';
import { RecentWindow } from './recent-window';
import { SubscriptionGroups } from './subscription-groups';

/**
 * The broker side of delivery: records.enriched as this instance reads it, pushed through the
 * delivery groups to their rooms, with the positions reached and the recent window that
 * catch-ups read from.
 */
@Injectable()
export class LiveFeed {
  readonly positions = new Positions();
  readonly groups: SubscriptionGroups;
  readonly window: RecentWindow;
  private server?: Server;
  private markPositioned!: () => void;
  /** Settles once the read of records.enriched has its start positions (EnrichedPositions). */
  private readonly positionedPromise = new Promise<void>((resolve) => (this.markPositioned = resolve));
  private readonly delivered = this.metrics.counter('streamgate_delivery_records_total', 'Records pushed to subscriptions (one per subscription)');
  private readonly unreadable = this.metrics.counter('streamgate_delivery_unreadable_total', 'records.enriched values that were not Envelopes');
  private readonly unviewable = this.metrics.counter('streamgate_delivery_unviewable_total', 'Records skipped because their view could not be computed or serialized');
  private readonly logger = new Logger(LiveFeed.name);
  private readonly onUnviewable = (record: DeliveredRecord, error: Error) => {
    this.unviewable.inc();
    this.logger.error({ msg: 'record skipped: its view failed', stream: record.stream, pos: record.pos, id: record.id, error: error.message });
  };
  private readonly read = this.metrics.counter('streamgate_delivery_records_read_total', 'records.enriched records read by this instance');

  constructor(
    @Inject(DELIVERY_CONFIG) config: DeliveryConfig,
    private readonly metrics: Metrics,
    usage: UsageRecorder,
  ) {
    const overflow = this.metrics.counter('streamgate_delivery_deferred_overflow_total', 'Batches of a costly-filter room run inline because its queue was full');
    this.groups = new SubscriptionGroups(usage, new DeferredRooms(() => overflow.inc()));
    this.groups.onRoutedLater = (n) => this.delivered.inc(n);
    this.window = new RecentWindow(config.RECENT_WINDOW_BYTES, config.RECENT_WINDOW_AGE);
  }

  attach(server: Server): void {
    this.server = server;
  }

  /** The read starts after these positions; a resume before this would see no gap to read. */
  startsAfter(positions: Array<{ partition: number; offset: number }>): void {
    for (const { partition, offset } of positions) this.positions.set(partition, offset);
    this.markPositioned();
  }

  /**
   * Resolves once the feed knows where it starts. The port opens before the consumer starts,
   * so a client resuming right after a restart must wait for it, or its catch-up would find no
   * gap and the records between its `since` and the log end would never reach it.
   */
  positioned(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('records.enriched is not being read yet')), timeoutMs);
      void this.positionedPromise.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
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
        }, this.onUnviewable);
        if (routed > 0) this.delivered.inc(routed);
      }
    }
    const last = batch.messages.at(-1);
    if (last) this.positions.set(batch.partition, Number(last.offset));
  }
}
