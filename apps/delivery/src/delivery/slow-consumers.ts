import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { SocketEvent } from '@streamgate/contracts';
import type { PartitionPositions } from '@streamgate/contracts';
import { Metrics } from '@streamgate/service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { CatchUp } from './catch-up';
import { LiveFeed } from './live-feed';
import { bufferedBytes, queuedPackets } from './socket-buffers';
import { SocketRegistry, stateOf } from './socket-registry';
import type { SocketState, Subscription } from './socket-registry';

/**
 * Slow consumers: a socket whose unread output passes MAX_SOCKET_BUFFER_BYTES leaves live
 * delivery (`lag`), so it cannot grow the server's memory or slow the others; once it has
 * drained to a quarter of the bound it catches up from the recent window or Kafka, paced by
 * its own reading, and rejoins live delivery.
 */
@Injectable()
export class SlowConsumers implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SlowConsumers.name);
  private timer?: NodeJS.Timeout;
  private readonly lags = this.metrics.counter('streamgate_delivery_lagging_total', 'Subscriptions taken off live delivery for a full output buffer');
  private readonly bufferedGauge = this.metrics.gauge('streamgate_delivery_buffered_bytes', 'Output bytes waiting in socket buffers', ['kind']);

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    private readonly registry: SocketRegistry,
    private readonly feed: LiveFeed,
    private readonly catchUp: CatchUp,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.check(), 50);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  check(): void {
    let total = 0;
    let largest = 0;
    for (const socket of this.registry.all()) {
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
    // Off the room's meter, after its deferred sends went out: everything up to the positions
    // is in this socket's buffer, and the catch-up starts after them.
    this.feed.groups.offline(subscription.ref, subscription.id);
    subscription.lagging = this.feed.positions.snapshot();
    void socket.leave(subscription.ref.room);
    this.lags.inc();
    socket.emit(SocketEvent.Lag, { stream: subscription.ref.stream, behind: queuedPackets(socket), bufferedBytes: buffered });
  }

  private async recover(socket: Socket, state: SocketState, subscription: Subscription): Promise<void> {
    try {
      await this.catchUp.run(socket, state, subscription, subscription.lagging as PartitionPositions);
      subscription.lagging = undefined;
    } catch (error) {
      // Still lagging: the next check tries again (unless the subscription has ended).
      this.logger.warn({ msg: 'lag recovery failed', socket: socket.id, error: (error as Error).message });
    }
  }
}
