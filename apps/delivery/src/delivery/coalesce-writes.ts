import type { EventEmitter } from 'node:events';

/** The parts of engine.io's transport this touches (its websocket transport wraps a `ws` socket). */
interface Transport {
  name: string;
  send(packets: unknown[]): void;
  socket?: { _socket?: { cork?: () => void; uncork?: () => void } };
}

interface EngineConnection extends EventEmitter {
  transport: Transport;
}

const coalesced = new WeakSet<Transport>();

/**
 * Makes a websocket connection write each flush of queued packets to its TCP socket as one
 * writev. Engine.io sends the first packet of a burst at once and queues the rest until that
 * write completes; `ws` then writes each queued packet with a syscall of its own, which was
 * the largest cost of delivery under load. Corking the socket around the flush keeps the
 * frames and their order exactly as they were, in one write. Polling connections and a `ws`
 * without its usual socket are left as they are.
 */
export function coalesceWrites(connection: EngineConnection): void {
  wrap(connection.transport);
  connection.on('upgrade', (transport: Transport) => wrap(transport));
}

function wrap(transport: Transport): void {
  const raw = transport.socket?._socket;
  if (transport.name !== 'websocket' || coalesced.has(transport) || typeof raw?.cork !== 'function' || typeof raw.uncork !== 'function') return;
  coalesced.add(transport);
  const send = transport.send.bind(transport);
  transport.send = (packets: unknown[]) => {
    if (packets.length < 2) return send(packets);
    raw.cork?.();
    try {
      send(packets);
    } finally {
      raw.uncork?.();
    }
  };
}
