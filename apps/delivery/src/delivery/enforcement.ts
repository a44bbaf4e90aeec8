import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { SocketEvent } from '@streamgate/contracts';
import { Metrics } from '@streamgate/service';
import { AccessDirectory } from '../access/access-directory.service';
import type { AccessListener } from '../access/access-directory.service';
import { AccessGate, revokeReasonOf } from './access-gate';
import type { RevokeReason } from './access-gate';
import { ReplayLane } from './replay-lane';
import { SocketRegistry, requireState, stateOf } from './socket-registry';
import type { SocketState } from './socket-registry';
import { Subscriptions } from './subscriptions';

/**
 * How long an ENTITLEMENT_REVOKED waits before it is told: a stream's deletion tombstones its
 * entitlements too, and control.streams may be read a moment after control.entitlements. The
 * flows end at once; only the reason is settled (STREAM_DELETED if the stream went meanwhile).
 */
export const REASON_SETTLE_MS = 300;

/**
 * Enforcement, in one place for live delivery, catch-ups and replays: every control change
 * (key, entitlement, stream, quota) and every token expiry re-asks the access gate for each
 * stream a socket receives — by subscription or by replay — and ends what it no longer
 * grants with `revoked`; a narrowed policy moves the subscription to its new group (replays
 * and catch-ups pick it up at their next chunk). Also: soft-quota warnings and expiry timers.
 */
@Injectable()
export class Enforcement implements OnModuleInit, AccessListener {
  private readonly logger = new Logger(Enforcement.name);
  private readonly revocations = this.metrics.counter('streamgate_delivery_revocations_total', 'Subscriptions ended by a revocation', ['reason']);

  constructor(
    private readonly access: AccessDirectory,
    private readonly gate: AccessGate,
    private readonly registry: SocketRegistry,
    private readonly subscriptions: Subscriptions,
    private readonly replays: ReplayLane,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.access.listen(this);
  }

  /** A new socket: its expiry timers, and the soft-quota warning if the partner is past it. */
  watch(socket: Socket): void {
    this.scheduleExpiry(socket, requireState(socket));
    this.warnIfSoft(socket);
  }

  unwatch(state: SocketState): void {
    clearTimeout(state.expiry);
    clearTimeout(state.expiryWarning);
    for (const flow of state.replays.values()) flow.abort.abort();
    for (const timer of state.settling.values()) clearTimeout(timer);
  }

  /** After a token refresh: streams the new token does not grant end, the timers move. */
  refreshed(socket: Socket): void {
    this.recheck(socket);
    this.scheduleExpiry(socket, requireState(socket));
  }

  keyRevoked(keyId: string): void {
    for (const socket of this.registry.ofKey(keyId)) this.end(socket, 'KEY_REVOKED');
  }

  entitlementsChanged(partnerId: string): void {
    for (const socket of this.registry.ofPartner(partnerId)) this.recheck(socket);
  }

  streamDeleted(stream: string): void {
    for (const socket of this.registry.all()) {
      const state = stateOf(socket);
      if (state && this.streamsOf(state).has(stream)) this.revoke(socket, stream, 'STREAM_DELETED');
    }
  }

  quotaChanged(partnerId: string): void {
    for (const socket of this.registry.ofPartner(partnerId)) {
      this.recheck(socket);
      this.warnIfSoft(socket);
    }
  }

  /** Every stream the socket receives, asked again: closed ones end, changed policies regroup. */
  private recheck(socket: Socket): void {
    const state = requireState(socket);
    for (const stream of this.streamsOf(state)) {
      const verdict = this.gate.check(state.principal, stream);
      if (!verdict.ok) {
        this.revoke(socket, stream, revokeReasonOf(verdict.code));
        continue;
      }
      const subscription = state.subscriptions.get(stream);
      if (subscription && subscription.ref.policyKey !== verdict.key) this.subscriptions.regroup(socket, state, subscription, verdict.policy);
    }
  }

  /** Ends every flow of the socket with `revoked`, then disconnects it. */
  private end(socket: Socket, reason: RevokeReason): void {
    const state = stateOf(socket);
    if (state) for (const stream of this.streamsOf(state)) this.revoke(socket, stream, reason);
    this.logger.log({ msg: 'socket ended', reason, partner: state?.principal.partnerId, socket: socket.id });
    socket.disconnect(true);
  }

  /** Ends the socket's subscription and replays of `stream`, then tells the client once. */
  private revoke(socket: Socket, stream: string, reason: RevokeReason): void {
    const state = requireState(socket);
    let ended = this.subscriptions.end(socket, state, stream);
    // A partner's deletion tombstones its entitlements and revokes its keys: whichever is read
    // first, a pending ENTITLEMENT_REVOKED gives way to the stronger reason read after it.
    const settling = state.settling.get(stream);
    if (settling) {
      if (reason === 'ENTITLEMENT_REVOKED') return;
      clearTimeout(settling);
      state.settling.delete(stream);
      ended = true;
    }
    for (const flow of state.replays.values()) {
      // A stopped replay stays listed until its read has closed: it is not ended twice.
      if (flow.stream !== stream || flow.abort.signal.aborted) continue;
      this.replays.stop(flow, reason);
      ended = true;
    }
    if (!ended) return;
    if (reason !== 'ENTITLEMENT_REVOKED') return this.tell(socket, stream, reason);
    state.settling.set(stream, setTimeout(() => {
      state.settling.delete(stream);
      this.tell(socket, stream, this.access.hasStream(stream) ? reason : 'STREAM_DELETED');
    }, REASON_SETTLE_MS));
  }

  private tell(socket: Socket, stream: string, reason: RevokeReason): void {
    this.revocations.inc({ reason });
    if (socket.connected) socket.emit(SocketEvent.Revoked, { stream, reason });
  }

  private streamsOf(state: SocketState): Set<string> {
    const replaying = [...state.replays.values()].filter((flow) => !flow.abort.signal.aborted).map((flow) => flow.stream);
    return new Set([...state.subscriptions.keys(), ...replaying, ...state.settling.keys()]);
  }

  // `token-expiring` a minute ahead (a fifth of the lifetime for short tokens), TOKEN_EXPIRED at expiry.
  private scheduleExpiry(socket: Socket, state: SocketState): void {
    clearTimeout(state.expiry);
    clearTimeout(state.expiryWarning);
    const token = state.principal.token;
    if (!token) return;
    const left = token.expiresAt.getTime() - Date.now();
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
}
