import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { expectEventually } from '@streamgate/testing';
import { coalesceWrites } from './coalesce-writes';

interface RawSocket {
  _write: (...args: unknown[]) => void;
  _writev: (...args: unknown[]) => void;
}

// Counts the writes reaching a connection's TCP socket while 200 packets are emitted in one burst.
async function burst(coalesce: boolean): Promise<{ writes: number; received: number[] }> {
  const http = createServer();
  const server = new Server(http, { perMessageDeflate: false });
  let writes = 0;
  server.on('connection', (socket: Socket) => {
    if (coalesce) coalesceWrites(socket.conn);
    const raw = (socket.conn.transport as unknown as { socket: { _socket: RawSocket } }).socket._socket;
    for (const method of ['_write', '_writev'] as const) {
      const original = raw[method].bind(raw);
      raw[method] = (...args: unknown[]) => {
        writes++;
        original(...args);
      };
    }
    socket.on('go', () => {
      for (let i = 0; i < 200; i++) socket.emit('n', i);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
  const received: number[] = [];
  client.on('n', (n: number) => received.push(n));
  try {
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    client.emit('go');
    await expectEventually(() => expect(received).toHaveLength(200));
    return { writes, received };
  } finally {
    client.close();
    await server.close();
  }
}

describe('coalesceWrites', () => {
  it('writes a burst of packets in a few writes instead of one per packet, in order', async () => {
    const plain = await burst(false);
    const coalesced = await burst(true);
    expect(plain.writes).toBeGreaterThan(100);
    expect(coalesced.writes).toBeLessThanOrEqual(5);
    expect(coalesced.received).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});
