import { createRequire } from 'node:module';
import { Socket, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { applyKafkajsFixes, noDelaySocketFactory } from './kafkajs-fixes';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests: jest.Mock;
}

describe('applyKafkajsFixes', () => {
  applyKafkajsFixes();
  const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue/index.js') as { prototype: { scheduleCheckPendingRequests(this: Queue): void } };
  const queue = (pending: unknown[], throttledUntil = -1): Queue => ({ pending, throttledUntil, throttleCheckTimeoutId: null, checkPendingRequests: jest.fn() });

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('arms no timer when no request waits (kafkajs 2.2.4 re-armed one every millisecond)', () => {
    const q = queue([]);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(q);
    expect(q.throttleCheckTimeoutId).toBeNull();
    jest.advanceTimersByTime(1_000);
    expect(q.checkPendingRequests).not.toHaveBeenCalled();
  });

  it('checks waiting requests after kafkajs interval, or when a throttle ends', () => {
    const waiting = queue([{}]);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(waiting);
    jest.advanceTimersByTime(9);
    expect(waiting.checkPendingRequests).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(waiting.checkPendingRequests).toHaveBeenCalledTimes(1);

    const throttled = queue([{}], Date.now() + 500);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(throttled);
    jest.advanceTimersByTime(499);
    expect(throttled.checkPendingRequests).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(throttled.checkPendingRequests).toHaveBeenCalledTimes(1);
  });

  it('is applied once however often it is called', () => {
    const patched = RequestQueue.prototype.scheduleCheckPendingRequests;
    applyKafkajsFixes();
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(patched);
  });
});

describe('noDelaySocketFactory', () => {
  it('connects with Nagle off and keep-alive on', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const noDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
    const keepAlive = jest.spyOn(Socket.prototype, 'setKeepAlive');
    try {
      const socket = await new Promise<Socket>((resolve) => {
        const s = noDelaySocketFactory({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ssl: false as never, onConnect: () => resolve(s as Socket) }) as Socket;
      });
      expect(noDelay).toHaveBeenCalledWith(true);
      expect(keepAlive).toHaveBeenCalledWith(true, 60_000);
      socket.destroy();
    } finally {
      noDelay.mockRestore();
      keepAlive.mockRestore();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
