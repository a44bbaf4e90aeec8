import type { Socket } from 'socket.io';
import { SocketRegistry } from './socket-registry';
import { UsageWindows } from './usage-windows';

const T0 = Date.UTC(2026, 10, 28, 12);
const SECOND = 1_000;

/** The hub's order: register then `opened`; remove then `closed`. */
function setup() {
  jest.useFakeTimers({ now: T0 });
  const registry = new SocketRegistry();
  const usage = new UsageWindows(registry);
  let next = 0;
  const open = (partnerId: string, keyId: string, at: number) => {
    const socket = { id: `s${next++}`, data: {} } as unknown as Socket;
    usage.opened(registry.add(socket, { partnerId, keyId }, at));
    return socket;
  };
  const close = (socket: Socket, at: number) => {
    const state = registry.remove(socket);
    if (state) usage.closed(state, at);
  };
  return { usage, open, close };
}

afterEach(() => jest.useRealTimers());

describe('UsageWindows', () => {
  it('counts closed sockets and open ones up to the drain, per partner', () => {
    const { usage, open, close } = setup();
    const a = open('p1', 'k1', T0);
    open('p1', 'k2', T0 + 2 * SECOND);
    open('p2', 'k3', T0 + 5 * SECOND);
    close(a, T0 + 3 * SECOND);

    expect(usage.drain(T0 + 10 * SECOND)).toEqual([
      { partnerId: 'p1', keyIds: ['k1', 'k2'], connectionSeconds: 3 + 8, peakConnections: 2 },
      { partnerId: 'p2', keyIds: ['k3'], connectionSeconds: 5, peakConnections: 1 },
    ]);
  });

  it('keeps the peak of concurrent sockets, not the number opened', () => {
    const { usage, open, close } = setup();
    const sockets = [open('p1', 'k1', T0), open('p1', 'k1', T0), open('p1', 'k1', T0)];
    for (const socket of sockets) close(socket, T0 + SECOND);
    open('p1', 'k1', T0 + SECOND);
    open('p1', 'k1', T0 + SECOND);

    expect(usage.drain(T0 + 2 * SECOND)).toEqual([{ partnerId: 'p1', keyIds: ['k1'], connectionSeconds: 3 + 2, peakConnections: 3 }]);
  });

  it('starts the next window at the drain: open sockets count from there, and set its starting peak', () => {
    const { usage, open, close } = setup();
    const early = open('p1', 'k1', T0);
    open('p1', 'k1', T0);
    usage.drain(T0 + 10 * SECOND);

    close(early, T0 + 14 * SECOND);
    expect(usage.drain(T0 + 20 * SECOND)).toEqual([{ partnerId: 'p1', keyIds: ['k1'], connectionSeconds: 4 + 10, peakConnections: 2 }]);
  });

  it('reports a partner once its last socket is counted, then nothing', () => {
    const { usage, open, close } = setup();
    const socket = open('p1', 'k1', T0);
    usage.drain(T0 + SECOND);
    close(socket, T0 + 3 * SECOND);
    expect(usage.drain(T0 + 4 * SECOND)).toEqual([{ partnerId: 'p1', keyIds: ['k1'], connectionSeconds: 2, peakConnections: 1 }]);
    expect(usage.drain(T0 + 5 * SECOND)).toEqual([]);
  });

  it('reports nothing when no partner was connected', () => {
    const { usage } = setup();
    expect(usage.drain(T0 + SECOND)).toEqual([]);
  });
});
