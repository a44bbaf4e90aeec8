import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { isJsonObject } from '@streamgate/contracts';
import type { EntitlementPolicy, PartitionPositions } from '@streamgate/contracts';
import { Metrics } from '@streamgate/service';
import { lineageKey } from '../metering/lineage-marks';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { AccessGate } from './access-gate';
import { CatchUp } from './catch-up';
import { LiveFeed } from './live-feed';
import { PartnerFilters } from './partner-filters';
import { memberOf } from './socket-registry';
import type { SocketState, Subscription } from './socket-registry';
import { compileSubscriberFilter, parseSubscribe } from './subscription-requests';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

export interface SubscribeResult {
  subscription: string;
  lineage: string;
  position: PartitionPositions;
  recovered?: boolean;
  earliest?: PartitionPositions;
}

/**
 * Subscriptions and their rooms: `subscribe` (live, or a resume through the catch-up),
 * `unsubscribe`, moving a subscription to the group of a changed policy, and ending one.
 */
@Injectable()
export class Subscriptions {
  private readonly logger = new Logger(Subscriptions.name);
  private readonly subscriptionsGauge = this.metrics.gauge('streamgate_delivery_subscriptions', 'Open subscriptions on this instance');
  private readonly filters = new PartnerFilters();
  /** Resumes running per partner. */
  private readonly resuming = new Map<string, number>();
  /** The open subscription of each (partner, lineage) on this instance. */
  private readonly lineages = new Map<string, { socket: Socket; state: SocketState; subscription: Subscription }>();
  private readonly groupsGauge = this.metrics.gauge('streamgate_delivery_groups', 'Delivery groups (stream, policy, filter, mode)');

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    private readonly gate: AccessGate,
    private readonly feed: LiveFeed,
    private readonly catchUp: CatchUp,
    private readonly metrics: Metrics,
  ) {}

  async subscribe(socket: Socket, state: SocketState, raw: unknown): Promise<SubscribeResult> {
    const request = parseSubscribe(raw);
    const { policy } = this.gate.require(state.principal, request.stream);
    const previous = state.subscriptions.get(request.stream);
    if (!previous && state.subscriptions.size >= this.config.MAX_SUBSCRIPTIONS_PER_SOCKET) {
      throw new SubscriptionException(SubscriptionErrorCode.TooManySubscriptions, `a socket may hold ${this.config.MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions`);
    }
    const partnerId = state.principal.partnerId;
    const max = this.config.MAX_FILTERS_PER_PARTNER_STREAM;
    // A re-subscribe gives its old filter back.
    if (!this.filters.fits(partnerId, request.stream, filterKey(request), max, previous && filterKey(previous))) {
      throw new SubscriptionException(SubscriptionErrorCode.TooManyFilters, `a partner may use ${max} distinct filters per stream on an instance`);
    }
    if (request.since !== undefined && (this.resuming.get(partnerId) ?? 0) >= this.config.MAX_RESUMES_PER_PARTNER) {
      throw new SubscriptionException(SubscriptionErrorCode.TooManyResumes, `a partner may run ${this.config.MAX_RESUMES_PER_PARTNER} resumes at once on an instance; try again shortly`);
    }
    // Compiled only now that the request passed the gate and the limits (cost-checked).
    const filter = request.filter === undefined ? undefined : { source: request.filter, compiled: compileSubscriberFilter(request.filter) };
    // A re-subscribe is a new subscription; a resume carries its lineage, so what the lineage
    // was already metered for is not metered again (see LineageMarks).
    const id = randomUUID();
    const lineage = request.lineage ?? id.replaceAll('-', '');
    this.supersede(state, request.stream, lineage);
    const ref = this.feed.groups.join(request.stream, policy, filter, request.batch, id);
    if (previous) {
      this.leave(socket, previous);
      this.filters.remove(partnerId, request.stream, filterKey(previous));
      this.forgetLineage(state, previous);
    } else this.subscriptionsGauge.inc();
    const subscription: Subscription = { id, lineage, ref, filter: request.filter };
    this.lineages.set(lineageKey(partnerId, lineage), { socket, state, subscription });
    this.filters.add(partnerId, request.stream, filterKey(subscription));
    state.subscriptions.set(request.stream, subscription);
    this.groupsGauge.set(this.feed.groups.size);
    if (request.since === undefined) {
      this.feed.groups.live(ref, memberOf(state, subscription));
      void socket.join(ref.room);
      return { subscription: id, lineage, position: this.feed.positions.snapshot() };
    }
    this.resuming.set(partnerId, (this.resuming.get(partnerId) ?? 0) + 1);
    try {
      return { subscription: id, lineage, ...(await this.catchUp.resume(socket, state, subscription, request.since)) };
    } catch (error) {
      if (error instanceof SubscriptionException) throw error;
      // A resume that could not finish (Kafka unreachable, no progress) must not leave a
      // subscription that never joins live delivery: it ends, and the client may try again.
      if (state.subscriptions.get(request.stream) === subscription) this.end(socket, state, request.stream);
      this.logger.warn({ msg: 'resume failed', partner: state.principal.partnerId, stream: request.stream, error: (error as Error).message });
      throw new SubscriptionException(SubscriptionErrorCode.ResumeFailed, 'the resume could not read the log; subscribe again with the same since');
    } finally {
      const left = (this.resuming.get(partnerId) ?? 1) - 1;
      if (left > 0) this.resuming.set(partnerId, left);
      else this.resuming.delete(partnerId);
    }
  }

  unsubscribe(socket: Socket, state: SocketState, raw: unknown): void {
    const stream = isJsonObject(raw) && typeof raw.stream === 'string' ? raw.stream : undefined;
    if (stream === undefined || !this.end(socket, state, stream)) {
      throw new SubscriptionException(SubscriptionErrorCode.NotSubscribed, `not subscribed to ${String(stream)}`);
    }
  }

  /** Ends the socket's subscription to `stream`; false when it had none. */
  end(socket: Socket, state: SocketState, stream: string): boolean {
    const subscription = state.subscriptions.get(stream);
    if (!subscription) return false;
    state.subscriptions.delete(stream);
    this.leave(socket, subscription);
    this.filters.remove(state.principal.partnerId, stream, filterKey(subscription));
    this.forgetLineage(state, subscription);
    this.subscriptionsGauge.dec();
    return true;
  }

  /** A closed socket's subscriptions leave their groups (their deliveries stay metered). */
  closed(state: SocketState): void {
    for (const [stream, subscription] of state.subscriptions) {
      this.leave(undefined, subscription);
      this.filters.remove(state.principal.partnerId, stream, filterKey(subscription));
      this.forgetLineage(state, subscription);
    }
    this.subscriptionsGauge.dec(state.subscriptions.size);
  }

  /**
   * Moves a subscription to the group of its changed policy. Single-threaded: between leaving
   * the old room and joining the new one no record is pushed; a running catch-up reads the new
   * group from its next chunk, and a lagging one joins its room when it has caught up.
   */
  regroup(socket: Socket, state: SocketState, subscription: Subscription, policy: EntitlementPolicy): void {
    const { stream, batch } = subscription.ref;
    const filter = subscription.filter === undefined ? undefined : { source: subscription.filter, compiled: compileSubscriberFilter(subscription.filter) };
    const ref = this.feed.groups.join(stream, policy, filter, batch, subscription.id);
    if (ref.room === subscription.ref.room) return;
    // What was routed to the old room before the change reaches the socket first: no gap.
    this.feed.groups.flush(subscription.ref);
    this.leave(socket, subscription);
    subscription.ref = ref;
    if (subscription.lagging || subscription.catchingUp) return;
    this.feed.groups.live(ref, memberOf(state, subscription));
    void socket.join(ref.room);
  }

  /**
   * A lineage has one open subscription: a resume ends the one it replaces (often a socket the
   * server has not yet seen die), which settles what that one was metered for first.
   */
  private supersede(requester: SocketState, stream: string, lineage: string): void {
    const open = this.lineages.get(lineageKey(requester.principal.partnerId, lineage));
    if (!open) return;
    const { socket, state, subscription } = open;
    // The same socket re-subscribing to the stream replaces it the usual way.
    if (state === requester && subscription.ref.stream === stream) return;
    if (state.subscriptions.get(subscription.ref.stream) === subscription) this.end(socket, state, subscription.ref.stream);
  }

  private forgetLineage(state: SocketState, subscription: Subscription): void {
    const key = lineageKey(state.principal.partnerId, subscription.lineage);
    if (this.lineages.get(key)?.subscription === subscription) this.lineages.delete(key);
  }

  private leave(socket: Socket | undefined, subscription: Subscription): void {
    if (socket) void socket.leave(subscription.ref.room);
    this.feed.groups.leave(subscription.ref, subscription.id);
    this.groupsGauge.set(this.feed.groups.size);
  }
}


/** A filtered subscription's delivery group among the partner's: the filter in its mode (record or batch). */
function filterKey(subscription: { filter?: string; batch?: boolean; ref?: { batch: boolean } }): string | undefined {
  if (subscription.filter === undefined) return undefined;
  return `${(subscription.ref?.batch ?? subscription.batch) ? 'batch' : 'record'}:${subscription.filter}`;
}
