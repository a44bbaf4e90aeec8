import { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { SocketEvent, Topics } from '@streamgate/contracts';
import type { DeliveredRecord, EntitlementPolicy } from '@streamgate/contracts';
import type { Admin, Kafka, KafkaMessage } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { expectEventually } from '@streamgate/testing';
import type { AccessDirectory } from '../access/access-directory.service';
import type { DeliveryConfig } from '../config/delivery.config';
import { UsageRecorder } from '../metering/usage-recorder';
import { AccessGate } from './access-gate';
import { ReplayLane } from './replay-lane';
import { SocketRegistry } from './socket-registry';
import type { SocketState } from './socket-registry';
import { SubscriptionErrorCode } from './subscription.exception';

const config = { MAX_REPLAYS_PER_PARTNER: 2, REPLAY_RECORDS_PER_SECOND: 1_000_000, RANGE_READ_IDLE_TIMEOUT: 5_000, MAX_SOCKET_BUFFER_BYTES: 1024 * 1024 } as DeliveryConfig;
const FROM = '2026-11-28T12:00:00.000Z';
const TO = '2026-11-28T13:00:00.000Z';
const request = (stream = 'trades', extra: Record<string, unknown> = {}) => ({ stream, from: FROM, to: TO, ...extra });
const soon = { timeoutMs: 2_000, intervalMs: 5 };

/** A socket as the lane uses it: `conn` is read for its buffered output (none here). */
function fakeSocket(id: string) {
  const log: Array<{ event: string; payload: unknown }> = [];
  const socket = { id, data: {}, conn: {}, connected: true, emit: (event: string, payload: unknown) => log.push({ event, payload }) > 0 };
  return { socket, log, records: () => log.filter((e) => e.event === SocketEvent.Record).map((e) => e.payload as DeliveredRecord) };
}

const envelope = (offset: number) => ({
  id: `r${offset}`,
  stream: 'trades',
  key: null,
  time: FROM,
  ingestedAt: FROM,
  data: { price: offset, trader: 'alice' },
  meta: {},
});
const messages = (count: number): KafkaMessage[] =>
  Array.from({ length: count }, (_, offset) => ({ key: null, value: Buffer.from(JSON.stringify(envelope(offset))), offset: String(offset), timestamp: '0', attributes: 0 }) as KafkaMessage);

/**
 * Kafka without a broker: offsets by timestamp give partition 0 the range [0, `count`), and a
 * range read's consumer hands the lane one batch of those records once it seeks.
 */
function fakeKafka(count: number) {
  let held: Promise<void> = Promise.resolve();
  const admin = {
    fetchTopicOffsetsByTimestamp: jest.fn(async (_topic: string, timestamp: number) => {
      await held;
      return [{ partition: 0, offset: String(timestamp === Date.parse(FROM) ? 0 : count) }];
    }),
  };
  const kafka = {
    consumer: () => {
      let eachBatch: (payload: unknown) => Promise<void> = async () => undefined;
      return {
        events: { END_BATCH_PROCESS: 'consumer.end_batch_process' },
        on: () => undefined,
        connect: async () => undefined,
        subscribe: async () => undefined,
        run: async (options: { eachBatch: typeof eachBatch }) => void (eachBatch = options.eachBatch),
        seek: ({ partition }: { partition: number }) =>
          setImmediate(() => void eachBatch({ batch: { partition, messages: messages(count), lastOffset: () => String(count - 1) } })),
        disconnect: async () => undefined,
      };
    },
  };
  /** Holds the offset look-ups (so replays stay starting) until the returned function is called. */
  const hold = () => {
    let release: () => void = () => undefined;
    held = new Promise((resolve) => (release = resolve));
    return release;
  };
  return { kafka: kafka as unknown as Kafka, admin: admin as unknown as Admin, hold };
}

function setup(count = 0) {
  const policies = new Map<string, Record<string, EntitlementPolicy>>([
    ['p1', { trades: {} }],
    ['p2', { trades: {} }],
  ]);
  const access = {
    hasStream: (stream: string) => stream === 'trades',
    policy: (partnerId: string, stream: string) => policies.get(partnerId)?.[stream],
    quota: () => undefined,
  } as unknown as AccessDirectory;
  const { kafka, admin, hold } = fakeKafka(count);
  // Never opened: an in-memory recorder (no journal file).
  const usage = new UsageRecorder(config);
  const lane = new ReplayLane(config, kafka, admin, new Topics(''), new AccessGate(access), access, new Metrics(), usage);
  const registry = new SocketRegistry();
  let next = 0;
  const connect = (partnerId = 'p1') => {
    const fake = fakeSocket(`s${next++}`);
    const state = registry.add(fake.socket as unknown as Socket, { partnerId, keyId: `${partnerId}-key` });
    const start = (raw: unknown = request()) => lane.start(fake.socket as unknown as Socket, state, raw);
    return { ...fake, state, start };
  };
  const drainUsage = () => usage.close().replays;
  return { lane, policies, admin, hold, connect, drainUsage };
}

const replayEnds = (log: Array<{ event: string; payload: unknown }>) => log.filter((e) => e.event === SocketEvent.ReplayEnd).map((e) => e.payload);
const settled = (state: SocketState) => expectEventually(() => expect(state.replays.size).toBe(0), soon);

beforeAll(() => Logger.overrideLogger(false));

describe('ReplayLane over an empty range', () => {
  it('acknowledges with the replay id, ends with replay-end and releases the replay', async () => {
    const { connect } = setup();
    const { log, state, start } = connect();
    const ack = await start();
    expect(ack).toEqual({ replay: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await settled(state);
    expect(log).toEqual([{ event: SocketEvent.ReplayEnd, payload: { stream: 'trades', count: 0 } }]);
  });

  it('sends replay-end only after start has resolved (the ack goes out first)', async () => {
    const { connect } = setup();
    const { log, state, start } = connect();
    await start();
    expect(log).toEqual([]);
    await settled(state);
    expect(replayEnds(log)).toHaveLength(1);
  });

  it('refuses a bad request or a stream the partner may not receive, taking no slot', async () => {
    const { policies, connect } = setup();
    const { state, start } = connect();
    await expect(start({ stream: 'trades', from: TO, to: FROM })).rejects.toMatchObject({ code: SubscriptionErrorCode.InvalidRequest });
    await expect(start(request('nope'))).rejects.toMatchObject({ code: SubscriptionErrorCode.UnknownStream });
    policies.set('p1', {});
    await expect(start()).rejects.toMatchObject({ code: SubscriptionErrorCode.NotEntitled });
    expect(state.replays.size).toBe(0);
  });

  it('refuses TOO_MANY_REPLAYS past the per-partner limit, per partner, until one ends', async () => {
    const { hold, connect } = setup();
    const first = connect('p1');
    const second = connect('p1');
    const release = hold();
    const running = [first.start(), second.start()];

    await expect(first.start()).rejects.toMatchObject({ code: SubscriptionErrorCode.TooManyReplays });
    expect(first.state.replays.size + second.state.replays.size).toBe(2);
    const other = connect('p2');
    const otherRunning = other.start();

    release();
    await Promise.all([...running, otherRunning]);
    await settled(first.state);
    await settled(second.state);
    await expect(first.start()).resolves.toEqual({ replay: expect.any(String) });
  });

  it('releases the slot when the offsets cannot be looked up', async () => {
    const { admin, connect } = setup();
    jest.mocked(admin.fetchTopicOffsetsByTimestamp).mockRejectedValue(new Error('broker down'));
    const { state, start } = connect();
    for (let i = 0; i < config.MAX_REPLAYS_PER_PARTNER + 1; i++) await expect(start()).rejects.toThrow('broker down');
    expect(state.replays.size).toBe(0);
  });

  it('stop ends a replay with replay-end carrying the reason', async () => {
    const { lane, hold, connect } = setup();
    const { log, state, start } = connect();
    const release = hold();
    const starting = start();
    const [flow] = state.replays.values();
    lane.stop(flow!, 'ENTITLEMENT_REVOKED');
    release();

    await starting;
    await settled(state);
    expect(replayEnds(log)).toEqual([{ stream: 'trades', count: 0, error: 'ENTITLEMENT_REVOKED' }]);
  });

  it('sends nothing to a socket that is gone', async () => {
    const { lane, hold, connect } = setup();
    const { socket, log, state, start } = connect();
    const release = hold();
    const starting = start();
    const [flow] = state.replays.values();
    socket.connected = false;
    lane.stop(flow!, 'KEY_REVOKED');
    release();

    await starting;
    await settled(state);
    expect(log).toEqual([]);
  });

  it('drains no usage when nothing was replayed', async () => {
    const { connect, drainUsage } = setup();
    const { state, start } = connect();
    await start();
    await settled(state);
    expect(drainUsage()).toEqual([]);
  });
});

describe('ReplayLane over retained records (fake consumer)', () => {
  it('sends the range through the view and the filter, marked replay, then replay-end; drains its usage once', async () => {
    const { policies, connect, drainUsage } = setup(3);
    policies.set('p1', { trades: { mask: ['data.trader'] } });
    const { log, state, start, records } = connect();
    const { replay } = await start(request('trades', { filter: 'data.price >= 1' }));
    await settled(state);

    const sent = records();
    expect(sent.map((r) => [r.id, r.data.trader, r.replay])).toEqual([
      ['r1', '***', true],
      ['r2', '***', true],
    ]);
    expect(replayEnds(log)).toEqual([{ stream: 'trades', count: 2 }]);
    const bytes = sent.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0);
    expect(drainUsage()).toEqual([{ replayId: replay, partnerId: 'p1', keyId: 'p1-key', stream: 'trades', records: 2, bytes }]);
    expect(drainUsage()).toEqual([]);
  });

  it('asks the gate before each chunk of 100: a narrowed policy applies from the next chunk', async () => {
    const { policies, connect } = setup(150);
    const { socket, state, start, records } = connect();
    const emit = socket.emit;
    socket.emit = (event, payload) => {
      policies.set('p1', { trades: { mask: ['data.trader'] } });
      return emit(event, payload);
    };
    await start();
    await settled(state);

    const traders = records().map((r) => r.data.trader);
    expect(traders).toEqual([...Array<string>(100).fill('alice'), ...Array<string>(50).fill('***')]);
  });

  it('ends at the next chunk when the gate closes, with an error in replay-end', async () => {
    const { policies, connect } = setup(150);
    const { socket, log, state, start, records } = connect();
    const emit = socket.emit;
    socket.emit = (event, payload) => {
      policies.set('p1', {});
      return emit(event, payload);
    };
    await start();
    await settled(state);

    expect(records()).toHaveLength(100);
    expect(replayEnds(log)).toEqual([{ stream: 'trades', count: 100, error: expect.any(String) }]);
  });

  it('stop ends it before its next chunk, with the reason', async () => {
    const { lane, connect } = setup(150);
    const { socket, log, state, start, records } = connect();
    const emit = socket.emit;
    socket.emit = (event, payload) => {
      for (const flow of state.replays.values()) lane.stop(flow, 'QUOTA_EXCEEDED');
      return emit(event, payload);
    };
    await start();
    await settled(state);

    expect(records()).toHaveLength(100);
    expect(replayEnds(log)).toEqual([{ stream: 'trades', count: 100, error: 'QUOTA_EXCEEDED' }]);
  });
});
