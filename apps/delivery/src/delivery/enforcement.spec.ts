import { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { SocketEvent, Topics } from '@streamgate/contracts';
import type { EntitlementPolicy, QuotaState } from '@streamgate/contracts';
import type { Admin, Kafka } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import type { AccessDirectory } from '../access/access-directory.service';
import type { Principal } from '../access/socket-authenticator.service';
import type { DeliveryConfig } from '../config/delivery.config';
import { AccessGate } from './access-gate';
import type { CatchUp } from './catch-up';
import { Enforcement, REASON_SETTLE_MS } from './enforcement';
import { UsageRecorder } from '../metering/usage-recorder';
import { LiveFeed } from './live-feed';
import { ReplayLane } from './replay-lane';
import { SocketRegistry, requireState } from './socket-registry';
import type { ReplayFlow } from './socket-registry';
import { Subscriptions } from './subscriptions';

const config = { RECENT_WINDOW_BYTES: 1024, RECENT_WINDOW_AGE: 60_000, MAX_SUBSCRIPTIONS_PER_SOCKET: 10 } as DeliveryConfig;
const T0 = Date.UTC(2026, 10, 28, 12);
const MINUTE = 60_000;

/** A Socket.IO socket as enforcement uses it; `log` keeps what it was sent, disconnects included, in order. */
function fakeSocket(id: string) {
  const log: Array<{ event: string; payload?: unknown }> = [];
  const rooms = new Set<string>();
  const socket = {
    id,
    data: {},
    connected: true,
    emit: (event: string, payload: unknown) => log.push({ event, payload }) > 0,
    disconnect: (close?: boolean) => {
      log.push({ event: 'disconnect', payload: close });
      socket.connected = false;
    },
    join: (room: string) => void rooms.add(room),
    leave: (room: string) => void rooms.delete(room),
  };
  return { socket: socket as unknown as Socket, log, rooms };
}

/**
 * Enforcement with real parts where they are cheap (registry, gate, subscriptions and their
 * groups, the replay lane's `stop`) over a control plane held in plain maps.
 */
function setup() {
  const streams = new Set(['trades', 'quotes']);
  const policies = new Map<string, Record<string, EntitlementPolicy>>();
  const quotas = new Map<string, QuotaState>();
  const access = {
    listen: jest.fn(),
    hasStream: (stream: string) => streams.has(stream),
    policy: (partnerId: string, stream: string) => policies.get(partnerId)?.[stream],
    quota: (partnerId: string) => quotas.get(partnerId),
  } as unknown as AccessDirectory;
  const metrics = new Metrics();
  const gate = new AccessGate(access);
  const registry = new SocketRegistry();
  const usage = new UsageRecorder(config);
  const subscriptions = new Subscriptions(config, gate, new LiveFeed(config, metrics, usage), {} as CatchUp, metrics);
  const replays = new ReplayLane(config, {} as Kafka, {} as Admin, new Topics(''), gate, access, metrics, usage);
  const enforcement = new Enforcement(access, gate, registry, subscriptions, replays, metrics);

  const connect = (id: string, principal: Principal) => {
    const fake = fakeSocket(id);
    registry.add(fake.socket, principal);
    enforcement.watch(fake.socket);
    return fake;
  };
  const subscribe = (socket: Socket, stream: string) => subscriptions.subscribe(socket, requireState(socket), { stream });
  // What ReplayLane.start leaves on the socket while the replay runs.
  const replay = (socket: Socket, stream: string): ReplayFlow => {
    const flow = { id: `replay-${stream}`, stream, abort: new AbortController() };
    requireState(socket).replays.set(flow.id, flow);
    return flow;
  };
  const revocations = async (reason: string) =>
    (await metrics.registry.getSingleMetric('streamgate_delivery_revocations_total')?.get())?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
  return { streams, policies, quotas, access, registry, subscriptions, enforcement, connect, subscribe, replay, revocations };
}

const revoked = (stream: string, reason: string) => ({ event: SocketEvent.Revoked, payload: { stream, reason } });
const sent = (log: Array<{ event: string }>, event: string) => log.filter((entry) => entry.event === event);
const stoppedFor = (flow: ReplayFlow) => (flow.abort.signal.reason as { reason?: string } | undefined)?.reason;
const soft = (period: string, used = 90): QuotaState => ({ state: 'soft', period, used, limit: 100 });

beforeAll(() => Logger.overrideLogger(false));

it('listens to the access directory', () => {
  const { access, enforcement } = setup();
  enforcement.onModuleInit();
  expect(access.listen).toHaveBeenCalledWith(enforcement);
});

describe('entitlements changed', () => {
  // ENTITLEMENT_REVOKED is told after REASON_SETTLE_MS (a stream deletion may still be on its way).
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());


  it('revokes a stream with ENTITLEMENT_REVOKED once, ending both its subscription and its replay', async () => {
    const { policies, enforcement, connect, subscribe, replay, revocations } = setup();
    policies.set('p1', { trades: {}, quotes: {} });
    const { socket, log, rooms } = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    await subscribe(socket, 'trades');
    await subscribe(socket, 'quotes');
    const flow = replay(socket, 'trades');

    policies.set('p1', { quotes: {} });
    enforcement.entitlementsChanged('p1');
    jest.advanceTimersByTime(REASON_SETTLE_MS);

    expect(log).toEqual([revoked('trades', 'ENTITLEMENT_REVOKED')]);
    expect(flow.abort.signal.aborted).toBe(true);
    expect(stoppedFor(flow)).toBe('ENTITLEMENT_REVOKED');
    expect([...requireState(socket).subscriptions.keys()]).toEqual(['quotes']);
    expect([...rooms]).toEqual([requireState(socket).subscriptions.get('quotes')?.ref.room]);
    expect(socket.connected).toBe(true);
    expect(await revocations('ENTITLEMENT_REVOKED')).toBe(1);
  });

  it('does not revoke again a replay already stopped while its read closes (one revoked, one count)', async () => {
    const { policies, quotas, enforcement, connect, replay, revocations } = setup();
    policies.set('p1', { trades: {} });
    const { socket, log } = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    replay(socket, 'trades');
    policies.set('p1', {});
    enforcement.entitlementsChanged('p1');
    jest.advanceTimersByTime(REASON_SETTLE_MS);
    // The stopped flow is still listed until its Kafka read has closed; more changes arrive.
    quotas.set('p1', soft('2026-12'));
    enforcement.quotaChanged('p1');
    enforcement.entitlementsChanged('p1');
    jest.advanceTimersByTime(REASON_SETTLE_MS);
    expect(sent(log, SocketEvent.Revoked)).toEqual([revoked('trades', 'ENTITLEMENT_REVOKED')]);
    expect(await revocations('ENTITLEMENT_REVOKED')).toBe(1);
  });

  it('revokes a stream the socket receives only by replay, and leaves granted streams alone', async () => {
    const { policies, enforcement, connect, subscribe, replay } = setup();
    policies.set('p1', { trades: {}, quotes: {} });
    const { socket, log } = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    await subscribe(socket, 'quotes');
    const replayed = replay(socket, 'trades');
    const kept = replay(socket, 'quotes');

    policies.set('p1', { quotes: {} });
    enforcement.entitlementsChanged('p1');
    jest.advanceTimersByTime(REASON_SETTLE_MS);

    expect(log).toEqual([revoked('trades', 'ENTITLEMENT_REVOKED')]);
    expect(stoppedFor(replayed)).toBe('ENTITLEMENT_REVOKED');
    expect(kept.abort.signal.aborted).toBe(false);
  });

  it('touches only the sockets of that partner', async () => {
    const { policies, enforcement, connect, subscribe } = setup();
    policies.set('p1', { trades: {} });
    policies.set('p2', { trades: {} });
    const mine = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    const theirs = connect('s2', { partnerId: 'p2', keyId: 'k2' });
    await subscribe(mine.socket, 'trades');
    await subscribe(theirs.socket, 'trades');

    policies.set('p1', {});
    policies.set('p2', {});
    enforcement.entitlementsChanged('p1');
    jest.advanceTimersByTime(REASON_SETTLE_MS);

    expect(mine.log).toEqual([revoked('trades', 'ENTITLEMENT_REVOKED')]);
    expect(theirs.log).toEqual([]);
  });

  it('moves a subscription whose policy changed to its new group, without revoking it', async () => {
    const { policies, subscriptions, enforcement, connect, subscribe, replay } = setup();
    policies.set('p1', { trades: {} });
    const { socket, log, rooms } = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    await subscribe(socket, 'trades');
    const flow = replay(socket, 'trades');
    const subscription = requireState(socket).subscriptions.get('trades');
    const before = subscription?.ref.room;
    const regroup = jest.spyOn(subscriptions, 'regroup');

    const narrowed = { mask: ['data.trader'] };
    policies.set('p1', { trades: narrowed });
    enforcement.entitlementsChanged('p1');
    jest.advanceTimersByTime(REASON_SETTLE_MS);

    expect(regroup).toHaveBeenCalledTimes(1);
    expect(regroup).toHaveBeenCalledWith(socket, requireState(socket), subscription, narrowed);
    expect(subscription?.ref.room).not.toBe(before);
    expect([...rooms]).toEqual([subscription?.ref.room]);
    expect(log).toEqual([]);
    // A replay reads the new policy at its next chunk: it is not stopped.
    expect(flow.abort.signal.aborted).toBe(false);

    // Only the publish grant changes: the view is the same, so is the group.
    policies.set('p1', { trades: { ...narrowed, publish: true } });
    enforcement.entitlementsChanged('p1');
    jest.advanceTimersByTime(REASON_SETTLE_MS);
    expect(regroup).toHaveBeenCalledTimes(1);
  });

  it('tells STREAM_DELETED when the stream is deleted while an ENTITLEMENT_REVOKED settles', async () => {
    const { streams, policies, enforcement, connect, subscribe } = setup();
    policies.set('p1', { trades: {} });
    const { socket, log } = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    await subscribe(socket, 'trades');
    // control.entitlements was read first; the stream's tombstone follows a moment later.
    policies.set('p1', {});
    enforcement.entitlementsChanged('p1');
    expect(requireState(socket).subscriptions.size).toBe(0);
    expect(log).toEqual([]);
    streams.delete('trades');
    enforcement.streamDeleted('trades');
    jest.advanceTimersByTime(REASON_SETTLE_MS);
    expect(log).toEqual([revoked('trades', 'STREAM_DELETED')]);
  });

  it('tells KEY_REVOKED, once, when the key is revoked while an ENTITLEMENT_REVOKED settles (a partner deleted)', async () => {
    const { policies, enforcement, connect, subscribe, revocations } = setup();
    policies.set('p1', { trades: {} });
    const { socket, log } = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    await subscribe(socket, 'trades');
    // The deletion's entitlement tombstones were read before its key revocation.
    policies.set('p1', {});
    enforcement.entitlementsChanged('p1');
    enforcement.entitlementsChanged('p1');
    enforcement.keyRevoked('k1');
    expect(log).toEqual([revoked('trades', 'KEY_REVOKED'), { event: 'disconnect', payload: true }]);
    jest.advanceTimersByTime(REASON_SETTLE_MS);
    expect(log).toHaveLength(2);
    expect(await revocations('ENTITLEMENT_REVOKED')).toBe(0);
  });

  it('revokes with STREAM_DELETED when the catalog no longer holds the stream', async () => {
    const { streams, policies, enforcement, connect, subscribe } = setup();
    policies.set('p1', { trades: {} });
    const { socket, log } = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    await subscribe(socket, 'trades');

    streams.delete('trades');
    enforcement.entitlementsChanged('p1');
    jest.advanceTimersByTime(REASON_SETTLE_MS);

    expect(log).toEqual([revoked('trades', 'STREAM_DELETED')]);
  });
});

describe('key revoked', () => {
  it('revokes every stream of every socket of the key with KEY_REVOKED, then disconnects them', async () => {
    const { policies, enforcement, connect, subscribe, replay, revocations } = setup();
    policies.set('p1', { trades: {}, quotes: {} });
    const busy = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    const idle = connect('s2', { partnerId: 'p1', keyId: 'k1' });
    const otherKey = connect('s3', { partnerId: 'p1', keyId: 'k2' });
    await subscribe(busy.socket, 'trades');
    const flow = replay(busy.socket, 'quotes');
    await subscribe(otherKey.socket, 'trades');

    enforcement.keyRevoked('k1');

    expect(busy.log).toEqual([revoked('trades', 'KEY_REVOKED'), revoked('quotes', 'KEY_REVOKED'), { event: 'disconnect', payload: true }]);
    expect(stoppedFor(flow)).toBe('KEY_REVOKED');
    expect(idle.log).toEqual([{ event: 'disconnect', payload: true }]);
    expect(otherKey.log).toEqual([]);
    expect(await revocations('KEY_REVOKED')).toBe(2);
  });
});

describe('stream deleted', () => {
  it('revokes the stream with STREAM_DELETED on every socket that receives it, whatever the partner', async () => {
    const { policies, enforcement, connect, subscribe, replay } = setup();
    policies.set('p1', { trades: {}, quotes: {} });
    policies.set('p2', { trades: {}, quotes: {} });
    const subscriber = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    const replayer = connect('s2', { partnerId: 'p2', keyId: 'k2' });
    const elsewhere = connect('s3', { partnerId: 'p2', keyId: 'k2' });
    await subscribe(subscriber.socket, 'trades');
    await subscribe(subscriber.socket, 'quotes');
    const flow = replay(replayer.socket, 'trades');
    await subscribe(elsewhere.socket, 'quotes');

    enforcement.streamDeleted('trades');

    expect(subscriber.log).toEqual([revoked('trades', 'STREAM_DELETED')]);
    expect([...requireState(subscriber.socket).subscriptions.keys()]).toEqual(['quotes']);
    expect(replayer.log).toEqual([revoked('trades', 'STREAM_DELETED')]);
    expect(stoppedFor(flow)).toBe('STREAM_DELETED');
    expect(elsewhere.log).toEqual([]);
  });
});

describe('quota changed', () => {
  it('revokes every stream with QUOTA_EXCEEDED past the hard limit, keeping the socket', async () => {
    const { policies, quotas, enforcement, connect, subscribe, replay } = setup();
    policies.set('p1', { trades: {}, quotes: {} });
    const { socket, log } = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    await subscribe(socket, 'trades');
    const flow = replay(socket, 'quotes');

    quotas.set('p1', { state: 'hard', period: '2026-11', used: 101, limit: 100 });
    enforcement.quotaChanged('p1');

    expect(log).toEqual([revoked('trades', 'QUOTA_EXCEEDED'), revoked('quotes', 'QUOTA_EXCEEDED')]);
    expect(stoppedFor(flow)).toBe('QUOTA_EXCEEDED');
    expect(socket.connected).toBe(true);
  });

  it('warns each socket of a partner past its soft limit once per billing period', () => {
    const { quotas, enforcement, connect } = setup();
    const first = connect('s1', { partnerId: 'p1', keyId: 'k1' });
    expect(first.log).toEqual([]);

    quotas.set('p1', soft('2026-11'));
    enforcement.quotaChanged('p1');
    const second = connect('s2', { partnerId: 'p1', keyId: 'k1' });
    quotas.set('p1', soft('2026-11', 95));
    enforcement.quotaChanged('p1');

    const warning = { event: SocketEvent.Quota, payload: { state: 'soft', used: 90, limit: 100 } };
    expect(first.log).toEqual([warning]);
    expect(second.log).toEqual([warning]);

    quotas.set('p1', soft('2026-12', 91));
    enforcement.quotaChanged('p1');
    expect(sent(first.log, SocketEvent.Quota)).toHaveLength(2);
    expect(first.log.at(-1)).toEqual({ event: SocketEvent.Quota, payload: { state: 'soft', used: 91, limit: 100 } });
  });
});

describe('token expiry', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  const tokenFor = (streams: string[], lifetimeMs: number): Principal => ({
    partnerId: 'p1',
    keyId: 'k1',
    token: { streams, expiresAt: new Date(T0 + lifetimeMs) },
  });

  it('sends token-expiring a minute ahead, then revokes with TOKEN_EXPIRED and disconnects at expiry', async () => {
    const { policies, connect, subscribe, replay } = setup();
    policies.set('p1', { trades: {}, quotes: {} });
    const { socket, log } = connect('s1', tokenFor(['trades', 'quotes'], 10 * MINUTE));
    await subscribe(socket, 'trades');
    const flow = replay(socket, 'quotes');

    jest.advanceTimersByTime(9 * MINUTE - 1);
    expect(log).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(log).toEqual([{ event: SocketEvent.TokenExpiring, payload: { expiresAt: new Date(T0 + 10 * MINUTE).toISOString() } }]);
    jest.advanceTimersByTime(MINUTE - 1);
    expect(log).toHaveLength(1);
    jest.advanceTimersByTime(1);

    expect(log.slice(1)).toEqual([revoked('trades', 'TOKEN_EXPIRED'), revoked('quotes', 'TOKEN_EXPIRED'), { event: 'disconnect', payload: true }]);
    expect(stoppedFor(flow)).toBe('TOKEN_EXPIRED');
  });

  it('warns a short-lived token a fifth of its lifetime ahead', () => {
    const { connect } = setup();
    const { log } = connect('s1', tokenFor([], 10_000));
    jest.advanceTimersByTime(7_999);
    expect(sent(log, SocketEvent.TokenExpiring)).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(sent(log, SocketEvent.TokenExpiring)).toHaveLength(1);
  });

  it('sets no timer for an API-key socket', () => {
    const { connect } = setup();
    connect('s1', { partnerId: 'p1', keyId: 'k1' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('moves the timers on refresh, and revokes what the new token does not grant', async () => {
    const { policies, registry, enforcement, connect, subscribe } = setup();
    policies.set('p1', { trades: {}, quotes: {} });
    const { socket, log } = connect('s1', tokenFor(['trades', 'quotes'], 10 * MINUTE));
    await subscribe(socket, 'trades');
    await subscribe(socket, 'quotes');

    jest.advanceTimersByTime(5 * MINUTE);
    registry.rekey(socket, { ...tokenFor(['quotes'], 30 * MINUTE), keyId: 'k2' });
    enforcement.refreshed(socket);
    jest.advanceTimersByTime(REASON_SETTLE_MS);
    expect(log).toEqual([revoked('trades', 'ENTITLEMENT_REVOKED')]);

    jest.advanceTimersByTime(24 * MINUTE - 1 - REASON_SETTLE_MS);
    expect(log).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(log.at(-1)).toEqual({ event: SocketEvent.TokenExpiring, payload: { expiresAt: new Date(T0 + 30 * MINUTE).toISOString() } });
    jest.advanceTimersByTime(MINUTE);
    expect(log.slice(-2)).toEqual([revoked('quotes', 'TOKEN_EXPIRED'), { event: 'disconnect', payload: true }]);
  });

  it('clears the timers and stops the replays of a socket that is gone', () => {
    const { policies, registry, enforcement, connect, replay } = setup();
    policies.set('p1', { trades: {} });
    const { socket, log } = connect('s1', tokenFor(['trades'], 10 * MINUTE));
    const flow = replay(socket, 'trades');

    const state = registry.remove(socket);
    if (state) enforcement.unwatch(state);

    expect(flow.abort.signal.aborted).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(11 * MINUTE);
    expect(log).toEqual([]);
  });
});
