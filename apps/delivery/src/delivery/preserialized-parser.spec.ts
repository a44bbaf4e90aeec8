import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import type { Packet } from 'socket.io-parser';
import { preserialized, preserializingParser } from './preserialized-parser';

const decode = (wire: string): Packet => {
  const decoder = new Decoder();
  let out: Packet | undefined;
  decoder.on('decoded', (packet: Packet) => (out = packet));
  decoder.add(wire);
  return out!;
};

describe('preserializing parser', () => {
  const encoder = new preserializingParser.Encoder();

  it('writes exactly what the stock encoder writes, from the cached JSON', () => {
    const record = { stream: 's', pos: '0:1', data: { price: 1.5, name: 'é"\\' } };
    const packet = { type: PacketType.EVENT, nsp: '/', data: ['record', record] };
    const stock = new Encoder().encode(packet);
    expect(encoder.encode({ ...packet, data: ['record', preserialized({ ...record }, JSON.stringify(record))] })).toEqual(stock);
    expect(decode(stock[0] as string).data).toEqual(['record', record]);
  });

  it('uses the cached JSON even when it differs (it trusts its caller) and handles namespaces and arrays', () => {
    const list = preserialized([{ a: 1 }], '[{"a":2}]');
    expect(encoder.encode({ type: PacketType.EVENT, nsp: '/admin', data: ['records', list] })).toEqual(['2/admin,["records",[{"a":2}]]']);
  });

  it('falls back to the stock encoder for acks, binary and uncached payloads', () => {
    const ack = { type: PacketType.ACK, nsp: '/', id: 3, data: [{ ok: true }] };
    expect(encoder.encode(ack)).toEqual(new Encoder().encode(ack));
    const plain = { type: PacketType.EVENT, nsp: '/', data: ['revoked', { stream: 's' }] };
    expect(encoder.encode(plain)).toEqual(['2["revoked",{"stream":"s"}]']);
    const withAck = { type: PacketType.EVENT, nsp: '/', id: 7, data: ['x', preserialized({}, '{"cached":true}')] };
    expect(encoder.encode(withAck)).toEqual(['27["x",{}]']);
  });
});
