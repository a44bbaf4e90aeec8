import type { Socket } from 'socket.io';

/** Bytes written to a socket that its client has not taken yet (engine.io queue + WebSocket buffer). */
export function bufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as { writeBuffer?: Array<{ data?: unknown }>; transport?: { socket?: { bufferedAmount?: number } } };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) bytes += typeof packet.data === 'string' ? packet.data.length : 0;
  return bytes;
}

export function queuedPackets(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}

/** Resolves once the socket's unread output is at most `bytes` (or the socket is gone). */
export async function drainedTo(socket: Socket, bytes: number): Promise<void> {
  while (socket.connected && bufferedBytes(socket) > bytes) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
