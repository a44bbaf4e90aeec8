import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { SocketEvent } from '@streamgate/contracts';
import type { SubscribeAck, UnsubscribeAck } from '@streamgate/contracts';
import { DeliveryHub } from './delivery-hub.service';
import { SubscriptionException } from './subscription.exception';

/** Socket.IO edge of delivery: translates events and acks, the hub does the work. */
@WebSocketGateway({
  // Frames are built once per broadcast only without per-message deflate, and deflate caps
  // a server near 50k deliveries/s.
  perMessageDeflate: false,
  maxHttpBufferSize: 64 * 1024,
  cors: { origin: true },
})
export class DeliveryGateway implements OnGatewayInit, OnGatewayDisconnect {
  private readonly logger = new Logger(DeliveryGateway.name);

  constructor(private readonly hub: DeliveryHub) {}

  afterInit(server: Server): void {
    this.hub.attach(server);
  }

  handleDisconnect(socket: Socket): void {
    this.hub.disconnected(socket);
  }

  @SubscribeMessage(SocketEvent.Subscribe)
  subscribe(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown): SubscribeAck {
    return this.ack(() => {
      const result = this.hub.subscribe(socket, request);
      this.logger.log({ msg: 'subscribed', socket: socket.id, subscription: result.subscription });
      return { ok: true, ...result };
    });
  }

  @SubscribeMessage(SocketEvent.Unsubscribe)
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() request: unknown): UnsubscribeAck {
    return this.ack(() => {
      this.hub.unsubscribe(socket, request);
      return { ok: true };
    });
  }

  // Subscription errors become `{ ok: false, error }` acks; anything else is a bug and is logged.
  private ack<T>(work: () => T): T | { ok: false; error: { code: string; message: string } } {
    try {
      return work();
    } catch (error) {
      if (error instanceof SubscriptionException) return { ok: false, error: error.toBody() };
      this.logger.error({ msg: 'socket handler failed', error: (error as Error).stack });
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
    }
  }
}
