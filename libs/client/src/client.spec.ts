import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { SocketEvent } from '@streamgate/contracts';
import type { DeliveredRecord } from '@streamgate/contracts';
import { StreamgateClient } from './client';
import { RecentIds } from './recent-ids';

describe('RecentIds', () => {
  it('lets an id through once and forgets the oldest beyond its capacity', () => {
    const ids = new RecentIds(2);
    expect([ids.firstTime('a'), ids.firstTime('a'), ids.firstTime('b'), ids.firstTime('c')]).toEqual([true, false, true, true]);
    // a was the oldest of three: forgotten, so it passes again (and pushes b out); c is still known.
    expect([ids.firstTime('a'), ids.firstTime('c'), ids.firstTime('b')]).toEqual([true, false, true]);
  });
});

// One Socket.IO server plays delivery for the client tests; each test sets its handlers.
let io: Server;
let url: string;

beforeAll(async () => {
  const http = createServer();
  io = new Server(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await io.close();
});

beforeEach(() => io.removeAllListeners('connection'));

describe('StreamgateClient id dedupe', () => {
  it("delivers two publishers' records that share a given id (ids are per publisher), and drops a true repeat", async () => {
    const record = (id: string, offset: number): DeliveredRecord => ({ stream: 'trades', pos: `0:${offset}`, id, key: null, time: '2026-12-01T00:00:00.000Z', data: { n: offset }, meta: {} });
    io.removeAllListeners('connection');
    io.on('connection', (socket) => {
      socket.on(SocketEvent.Subscribe, (_request: unknown, ack: (value: unknown) => void) => {
        ack({ ok: true, stream: 'trades', position: {} });
        // Partner a's t-1001, the real publisher b's t-1001, then b's again (a hand-over repeat).
        socket.emit(SocketEvent.Records, [record('ptn_a:t-1001', 1), record('ptn_b:t-1001', 2), record('ptn_b:t-1001', 3)]);
      });
    });
    const client = new StreamgateClient({ urls: [url], apiKey: 'sg_test', transports: ['websocket'] });
    const received: string[] = [];
    try {
      await client.connect();
      await client.subscribe('trades', { record: (r) => received.push(r.id) });
      // The batch arrives as one event: once its last position is taken, all three were handled.
      await waitFor(() => client.positions('trades')?.['0'] === 3);
      expect(received).toEqual(['ptn_a:t-1001', 'ptn_b:t-1001']);
      expect(client.positions('trades')).toEqual({ '0': 3 });
    } finally {
      client.close();
    }
  });
});

describe('StreamgateClient lineage', () => {
  it('resumes after a lost connection with the last position and the lineage its first ack gave', async () => {
    const requests: unknown[] = [];
    io.on('connection', (socket) => {
      socket.on(SocketEvent.Subscribe, (request: unknown, ack: (value: unknown) => void) => {
        requests.push(request);
        ack({ ok: true, subscription: `s${requests.length}`, lineage: 'L1', position: { '0': 4 } });
        if (requests.length === 1) {
          socket.emit(SocketEvent.Record, { stream: 'trades', pos: '0:5', id: 'r5', key: null, time: '2026-12-01T00:00:00.000Z', data: {}, meta: {} });
          // The server side goes away (a crash): the client reconnects and resumes.
          setTimeout(() => socket.disconnect(true), 50);
        }
      });
    });
    const client = new StreamgateClient({ urls: [url], apiKey: 'sg_test', transports: ['websocket'], reconnectDelayMs: 10 });
    try {
      await client.connect();
      await client.subscribe('trades', { record: () => undefined });
      await waitFor(() => requests.length === 2);
      expect(requests).toEqual([{ stream: 'trades' }, { stream: 'trades', since: { '0': 5 }, lineage: 'L1' }]);
    } finally {
      client.close();
    }
  });
});

describe('StreamgateClient stuck server', () => {
  it('gives up a connection whose resubscribe is never acknowledged and resumes on a new one, never on two at once', async () => {
    let connections = 0;
    let open = 0;
    let maxOpen = 0;
    io.on('connection', (socket) => {
      const n = ++connections;
      open++;
      maxOpen = Math.max(maxOpen, open);
      socket.on('disconnect', () => open--);
      socket.on(SocketEvent.Subscribe, (_request: unknown, ack: (value: unknown) => void) => {
        // The first connection acks, then drops; the second never acks; the third acks.
        if (n === 2) return;
        ack({ ok: true, subscription: `s${n}`, lineage: 'L', position: { '0': 1 } });
        if (n === 1) setTimeout(() => socket.disconnect(true), 20);
      });
    });
    const client = new StreamgateClient({ urls: [url], apiKey: 'sg_test', transports: ['websocket'], reconnectDelayMs: 10, ackTimeoutMs: 200 });
    try {
      await client.connect();
      await client.subscribe('trades', { record: () => undefined });
      await waitFor(() => connections === 3 && client.connected);
      expect(maxOpen).toBe(1);
    } finally {
      client.close();
    }
  });
});

describe('StreamgateClient resume retries', () => {
  it('retries a resume the server could not finish (RESUME_FAILED) or start yet (TOO_MANY_RESUMES) with the same since, then succeeds', async () => {
    const requests: unknown[] = [];
    io.on('connection', (socket) => {
      socket.on(SocketEvent.Subscribe, (request: unknown, ack: (value: unknown) => void) => {
        requests.push(request);
        if (requests.length === 1) ack({ ok: false, error: { code: 'RESUME_FAILED', message: 'the resume could not read the log' } });
        else if (requests.length === 2) ack({ ok: false, error: { code: 'TOO_MANY_RESUMES', message: 'try again shortly' } });
        else ack({ ok: true, subscription: 's', position: { '0': 41 }, recovered: true });
      });
    });
    const client = new StreamgateClient({ urls: [url], apiKey: 'sg_test', transports: ['websocket'] });
    const errors: string[] = [];
    try {
      await client.connect();
      await client.subscribe('trades', { record: () => undefined, error: (e) => errors.push(e.code) }, { since: { '0': 10 } });
      expect(requests).toEqual([0, 1, 2].map(() => ({ stream: 'trades', since: { '0': 10 } })));
      expect(errors).toEqual([]);
      expect(client.positions('trades')).toEqual({ '0': 41 });
    } finally {
      client.close();
    }
  });

  it('gives up after resumeAttempts and reports the code', async () => {
    io.removeAllListeners('connection');
    io.on('connection', (socket) => {
      socket.on(SocketEvent.Subscribe, (_request: unknown, ack: (value: unknown) => void) => ack({ ok: false, error: { code: 'RESUME_FAILED', message: 'no' } }));
    });
    const client = new StreamgateClient({ urls: [url], apiKey: 'sg_test', transports: ['websocket'], resumeAttempts: 2 });
    try {
      await client.connect();
      await expect(client.subscribe('trades', { record: () => undefined }, { since: { '0': 1 } })).rejects.toMatchObject({ code: 'RESUME_FAILED' });
    } finally {
      client.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
