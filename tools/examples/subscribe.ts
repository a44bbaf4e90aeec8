// `npm run example:subscribe -- <stream>`: a socket.io-client subscriber printing each record,
// authenticated with STREAMGATE_API_KEY or the key `npm run example:setup` saved.
import { existsSync, readFileSync } from 'node:fs';
import { io } from 'socket.io-client';
import { SocketEvent } from '@streamgate/contracts';
import type { DeliveredRecord, SubscribeAck } from '@streamgate/contracts';
import { localDir } from '@streamgate/dev-stack';

const stream = process.argv[2] ?? 'demo';
const url = process.env.DELIVERY_URL ?? 'http://127.0.0.1:3005';
const saved = localDir('example-key');
const apiKey = process.env.STREAMGATE_API_KEY ?? (existsSync(saved) ? readFileSync(saved, 'utf8').trim() : '');
const socket = io(url, { auth: { apiKey }, transports: ['websocket'] });

socket.on('connect', () => {
  socket.emit(SocketEvent.Subscribe, { stream }, (ack: SubscribeAck) => {
    console.log(ack.ok ? `subscribed to ${stream} at ${url}; waiting for records (Ctrl-C to stop)` : `refused: ${ack.error.code} ${ack.error.message}`);
  });
});
socket.on(SocketEvent.Record, (record: DeliveredRecord) => console.log(JSON.stringify(record)));
socket.on(SocketEvent.Revoked, (event: unknown) => console.log(`revoked: ${JSON.stringify(event)}`));
socket.on('connect_error', (error) => console.error(`connect_error: ${error.message} (run npm run example:setup -- ${stream} first)`));
