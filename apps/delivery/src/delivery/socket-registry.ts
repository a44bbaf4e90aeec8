import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { PartitionPositions } from '@streamgate/contracts';
import type { Principal } from '../access/socket-authenticator.service';
import type { Member } from '../metering/usage-tally';
import type { GroupRef } from './subscription-groups';

/** One `subscribe` of a socket: the delivery group (room) it receives through. */
export interface Subscription {
  id: string;
  /** Metering identity shared by the subscription and its resumes (see LineageMarks). */
  lineage: string;
  ref: GroupRef;
  filter?: string;
  /** Set while the subscription is off live delivery: where it resumes from. */
  lagging?: PartitionPositions;
  /** A catch-up (resume or lag recovery) is running. */
  catchingUp?: boolean;
}

/** One running replay of a socket; aborting it stops the lane before its next chunk. */
export interface ReplayFlow {
  id: string;
  stream: string;
  abort: AbortController;
}

/** Everything delivery keeps per socket. */
export interface SocketState {
  principal: Principal;
  subscriptions: Map<string, Subscription>;
  replays: Map<string, ReplayFlow>;
  connectedAt: number;
  expiry?: NodeJS.Timeout;
  expiryWarning?: NodeJS.Timeout;
  /** ENTITLEMENT_REVOKED not told yet, by stream: a stronger reason arriving meanwhile replaces it. */
  settling: Map<string, NodeJS.Timeout>;
  /** Billing period of the last soft-quota warning sent to this socket. */
  warnedPeriod?: string;
}

/**
 * The bottom of delivery: this instance's sockets, indexed by partner and by key, with their
 * state. It knows nothing of records, rooms or access; the parts above it look sockets up here.
 */
@Injectable()
export class SocketRegistry {
  private readonly sockets = new Map<string, Socket>();
  private readonly byPartner = new Map<string, Set<Socket>>();
  private readonly byKey = new Map<string, Set<Socket>>();
  /** Sockets per partner admitted (handshake passed), including those not yet connected. */
  private readonly admitted = new Map<string, number>();

  get size(): number {
    return this.sockets.size;
  }

  /** Admits one more socket of the partner unless `limit` of them are already admitted. */
  admit(partnerId: string, limit: number): boolean {
    const current = this.admitted.get(partnerId) ?? 0;
    if (current >= limit) return false;
    this.admitted.set(partnerId, current + 1);
    return true;
  }

  /** Gives back an admission whose socket never connected (the client left mid-handshake). */
  release(partnerId: string): void {
    const left = (this.admitted.get(partnerId) ?? 1) - 1;
    if (left > 0) this.admitted.set(partnerId, left);
    else this.admitted.delete(partnerId);
  }

  add(socket: Socket, principal: Principal, now = Date.now()): SocketState {
    const state: SocketState = { principal, subscriptions: new Map(), replays: new Map(), settling: new Map(), connectedAt: now };
    (socket.data as { delivery?: SocketState }).delivery = state;
    this.sockets.set(socket.id, socket);
    index(this.byPartner, principal.partnerId, socket);
    index(this.byKey, principal.keyId, socket);
    return state;
  }

  /** Forgets the socket; its state when it was registered (once). */
  remove(socket: Socket): SocketState | undefined {
    const state = stateOf(socket);
    if (!state || !this.sockets.delete(socket.id)) return undefined;
    const partnerId = state.principal.partnerId;
    this.release(partnerId);
    unindex(this.byPartner, partnerId, socket);
    unindex(this.byKey, state.principal.keyId, socket);
    return state;
  }

  /** A refreshed token may come from another key of the same partner. */
  rekey(socket: Socket, principal: Principal): void {
    const state = requireState(socket);
    unindex(this.byKey, state.principal.keyId, socket);
    state.principal = principal;
    index(this.byKey, principal.keyId, socket);
  }

  all(): Socket[] {
    return [...this.sockets.values()];
  }

  ofPartner(partnerId: string): Socket[] {
    return [...(this.byPartner.get(partnerId) ?? [])];
  }

  ofKey(keyId: string): Socket[] {
    return [...(this.byKey.get(keyId) ?? [])];
  }

  /** Open sockets per partner. */
  partners(): Map<string, Socket[]> {
    return new Map([...this.byPartner].map(([partnerId, sockets]) => [partnerId, [...sockets]]));
  }
}

export function stateOf(socket: Socket): SocketState | undefined {
  return (socket.data as { delivery?: SocketState }).delivery;
}

export function requireState(socket: Socket): SocketState {
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

/** Who a subscription's deliveries are metered for. */
export function memberOf(state: SocketState, subscription: Subscription): Member {
  return { subscriptionId: subscription.id, partnerId: state.principal.partnerId, keyId: state.principal.keyId, stream: subscription.ref.stream, lineage: subscription.lineage };
}
