// `npm run example:subscribe -- <stream>`: a socket.io-client subscriber printing each record.
import { io } from 'socket.io-client';
import { SocketEvent } from '@streamgate/contracts';
import type { DeliveredRecord, SubscribeAck } from '@streamgate/contracts';

const stream = process.argv[2] ?? 'demo';
const url = process.env.DELIVERY_URL ?? 'http://127.0.0.1:3005';
const socket = io(url, { transports: ['websocket'] });

socket.on('connect', () => {
  socket.emit(SocketEvent.Subscribe, { stream }, (ack: SubscribeAck) => {
    console.log(ack.ok ? `subscribed to ${stream} at ${url}; waiting for records (Ctrl-C to stop)` : `refused: ${ack.error.code} ${ack.error.message}`);
  });
});
socket.on(SocketEvent.Record, (record: DeliveredRecord) => console.log(JSON.stringify(record)));
socket.on('connect_error', (error) => console.error(`connect_error: ${error.message}`));
