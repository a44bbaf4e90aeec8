import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { SocketEvent } from '@streamgate/contracts';
import type { SubscribeAck, UnsubscribeAck } from '@streamgate/contracts';
import { HandshakeRefused, SocketAuthenticator } from '../access/socket-authenticator.service';
import type { Principal } from '../access/socket-authenticator.service';
import { coalesceWrites } from './coalesce-writes';
import { DeliveryHub } from './delivery-hub.service';
import { preserializingParser } from './preserialized-parser';
import { SubscriptionException } from './subscription.exception';

/** Socket.IO edge of delivery: authenticates handshakes, translates events and acks; the hub does the work. */
@WebSocketGateway({
  // Frames are built once per broadcast only without per-message deflate, and deflate caps
  // a server near 50k deliveries/s.
  perMessageDeflate: false,
  maxHttpBufferSize: 64 * 1024,
  cors: { origin: true },
  // Records go out from JSON serialized once per delivery group (same wire format).
  parser: preserializingParser,
})
export class DeliveryGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(DeliveryGateway.name);

  constructor(
    private readonly hub: DeliveryHub,
    private readonly authenticator: SocketAuthenticator,
  ) {}

  afterInit(server: Server): void {
    this.hub.attach(server);
    // A refused handshake reaches the client as connect_error with the code as its message.
    server.use((socket, next) => {
      this.authenticator
        .authenticate(socket.handshake.auth, this.authenticator.addressOf(socket.handshake))
        .then((principal) => {
          if (!this.hub.admit(principal.partnerId)) return next(new Error('TOO_MANY_CONNECTIONS'));
          // A client may leave before the connection completes (no disconnect event then).
          socket.conn.once('close', () => this.hub.abandoned(socket, principal.partnerId));
          (socket.data as { principal?: Principal }).principal = principal;
          next();
        })
        .catch((error: Error) => {
          if (!(error instanceof HandshakeRefused)) this.logger.error({ msg: 'handshake failed', error: error.stack });
          next(new Error(error instanceof HandshakeRefused ? error.code : 'INTERNAL'));
        });
    });
  }

  handleConnection(socket: Socket): void {
    const principal = (socket.data as { principal?: Principal }).principal;
    if (!principal) return void socket.disconnect(true);
    coalesceWrites(socket.conn);
    this.hub.connected(socket, principal);
  }

  handleDisconnect(socket: Socket): void {
    this.hub.disconnected(socket);
  }

  @SubscribeMessage(SocketEvent.Subscribe)
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown): Promise<SubscribeAck> {
    return this.ack(async () => ({ ok: true as const, ...(await this.hub.subscribe(socket, request)) }));
  }

  @SubscribeMessage(SocketEvent.Replay)
  replay(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown) {
    return this.ack(async () => ({ ok: true as const, ...(await this.hub.replay(socket, request)) }));
  }

  @SubscribeMessage(SocketEvent.Refresh)
  async refresh(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown): Promise<{ ok: true; expiresAt: string } | { ok: false; error: { code: string; message: string } }> {
    const token = typeof request === 'object' && request !== null ? (request as { token?: unknown }).token : undefined;
    if (typeof token !== 'string') return { ok: false, error: { code: 'INVALID_REQUEST', message: 'refresh needs { token }' } };
    try {
      const claims = await this.authenticator.verifyToken(token);
      return this.ack(() => ({ ok: true as const, ...this.hub.refresh(socket, { partnerId: claims.partnerId, keyId: claims.keyId, token: { streams: claims.streams, expiresAt: claims.expiresAt } }) }));
    } catch (error) {
      if (error instanceof HandshakeRefused) return { ok: false, error: { code: error.code, message: 'the new token was refused' } };
      throw error;
    }
  }

  @SubscribeMessage(SocketEvent.Unsubscribe)
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown): Promise<UnsubscribeAck> {
    return this.ack(() => {
      this.hub.unsubscribe(socket, request);
      return { ok: true };
    });
  }

  // Subscription errors become `{ ok: false, error }` acks; anything else is a bug and is logged.
  private async ack<T>(work: () => T | Promise<T>): Promise<T | { ok: false; error: { code: string; message: string } }> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SubscriptionException) return { ok: false, error: error.toBody() };
      this.logger.error({ msg: 'socket handler failed', error: (error as Error).stack });
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
    }
  }
}
