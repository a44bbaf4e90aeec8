import { Inject, Injectable } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { Metrics } from '@streamgate/service';
import { AccessDirectory } from '../access/access-directory.service';
import type { Principal } from '../access/socket-authenticator.service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { Enforcement } from './enforcement';
import { LiveFeed } from './live-feed';
import { ReplayLane } from './replay-lane';
import { SocketRegistry, requireState, stateOf } from './socket-registry';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';
import { Subscriptions } from './subscriptions';
import type { SubscribeResult } from './subscriptions';
import { UsageWindows } from './usage-windows';

/**
 * What the gateway asks of delivery, Centrifugo-style: the hub only orchestrates a socket's
 * life — admission, registration, enforcement's timers, usage windows — and hands requests to
 * the part that owns them (subscriptions, replay lane). The records themselves flow through
 * the live feed (broker side).
 */
@Injectable()
export class DeliveryHub {
  private readonly socketsGauge = this.metrics.gauge('streamgate_delivery_sockets', 'Connected sockets on this instance');

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    private readonly access: AccessDirectory,
    private readonly registry: SocketRegistry,
    private readonly feed: LiveFeed,
    private readonly subscriptions: Subscriptions,
    private readonly replays: ReplayLane,
    private readonly enforcement: Enforcement,
    private readonly usage: UsageWindows,
    private readonly metrics: Metrics,
  ) {}

  attach(server: Server): void {
    this.feed.attach(server);
  }

  /**
   * Admits a new socket of the partner unless its connection limit is reached on this instance:
   * the plan's `maxConnections`, or DEFAULT_MAX_CONNECTIONS when the plan sets none.
   */
  admit(partnerId: string): boolean {
    return this.registry.admit(partnerId, this.access.quota(partnerId)?.maxConnections ?? this.config.DEFAULT_MAX_CONNECTIONS);
  }

  /** The transport of an admitted socket closed: if it never connected, its admission is given back. */
  abandoned(socket: Socket, partnerId: string): void {
    if (!stateOf(socket)) this.registry.release(partnerId);
  }

  connected(socket: Socket, principal: Principal): void {
    const state = this.registry.add(socket, principal);
    this.usage.opened(state);
    this.enforcement.watch(socket);
    this.socketsGauge.inc();
  }

  disconnected(socket: Socket): void {
    const state = this.registry.remove(socket);
    if (!state) return;
    this.enforcement.unwatch(state);
    this.subscriptions.closed(state);
    this.usage.closed(state);
    this.socketsGauge.dec();
  }

  subscribe(socket: Socket, request: unknown): Promise<SubscribeResult> {
    return this.subscriptions.subscribe(socket, requireState(socket), request);
  }

  unsubscribe(socket: Socket, request: unknown): void {
    this.subscriptions.unsubscribe(socket, requireState(socket), request);
  }

  replay(socket: Socket, request: unknown): Promise<{ replay: string }> {
    return this.replays.start(socket, requireState(socket), request);
  }

  /** A new token for a token socket (same partner): timers move, streams it no longer grants end. */
  refresh(socket: Socket, next: Principal): { expiresAt: string } {
    const state = requireState(socket);
    if (!next.token || !state.principal.token) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'refresh is for sockets opened with a token');
    if (next.partnerId !== state.principal.partnerId) throw new SubscriptionException(SubscriptionErrorCode.NotEntitled, 'the new token is for another partner');
    this.registry.rekey(socket, next);
    this.enforcement.refreshed(socket);
    return { expiresAt: next.token.expiresAt.toISOString() };
  }
}
