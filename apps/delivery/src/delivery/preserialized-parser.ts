import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import type { Packet } from 'socket.io-parser';

const serialized = new WeakMap<object, string>();

/** Attaches a payload's JSON to it, so every broadcast of the payload reuses the string. */
export function preserialized<T extends object>(value: T, json: string): T {
  serialized.set(value, json);
  return value;
}

/**
 * Socket.IO's own wire format, built from a payload's cached JSON instead of serializing it
 * again: a record is serialized once per delivery group, and the byte count metered is the
 * exact payload sent. Anything without a cached JSON goes through the stock encoder, and the
 * stock decoder reads what clients send, so clients see no difference.
 */
class PreserializedEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<Encoder['encode']> {
    const data: unknown = packet.data;
    if (packet.type === PacketType.EVENT && packet.id == null && Array.isArray(data) && data.length === 2 && typeof data[0] === 'string' && typeof data[1] === 'object' && data[1] !== null) {
      const json = serialized.get(data[1] as object);
      if (json !== undefined) {
        const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
        return [`${packet.type}${nsp}[${JSON.stringify(data[0])},${json}]`];
      }
    }
    return super.encode(packet);
  }
}

export const preserializingParser = { Encoder: PreserializedEncoder, Decoder };
