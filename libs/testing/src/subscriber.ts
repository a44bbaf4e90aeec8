import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { SocketEvent } from '@streamgate/contracts';
import type { DeliveredRecord, SubscribeAck, SubscribeRequest, UnsubscribeAck } from '@streamgate/contracts';

export interface ReceivedEvent {
  event: string;
  payload: unknown;
  /** Date.now() on arrival. */
  at: number;
}

/** A real socket.io-client subscriber that keeps every record and control event it receives, in order. */
export class TestSubscriber {
  readonly records: DeliveredRecord[] = [];
  readonly events: ReceivedEvent[] = [];
  disconnectedAt?: number;

  private constructor(readonly socket: Socket) {
    socket.on(SocketEvent.Record, (record: DeliveredRecord) => this.records.push(record));
    socket.on(SocketEvent.Records, (records: DeliveredRecord[]) => this.records.push(...records));
    for (const event of [SocketEvent.Revoked, SocketEvent.Lag, SocketEvent.Quota, SocketEvent.TokenExpiring, SocketEvent.ReplayEnd]) {
      socket.on(event, (payload: unknown) => this.events.push({ event, payload, at: Date.now() }));
    }
    socket.on('disconnect', () => (this.disconnectedAt = Date.now()));
  }

  /** Resolves once connected; rejects with the server's connect_error message (e.g. UNAUTHORIZED). */
  static async connect(url: string, auth: Record<string, string> = {}, options: { transports?: string[] } = {}): Promise<TestSubscriber> {
    const socket = io(url, { auth, transports: options.transports ?? ['websocket'], reconnection: false, timeout: 10_000 });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
    return new TestSubscriber(socket);
  }

  subscribe(request: SubscribeRequest): Promise<SubscribeAck> {
    return this.socket.timeout(10_000).emitWithAck(SocketEvent.Subscribe, request) as Promise<SubscribeAck>;
  }

  unsubscribe(stream: string): Promise<UnsubscribeAck> {
    return this.socket.timeout(10_000).emitWithAck(SocketEvent.Unsubscribe, { stream }) as Promise<UnsubscribeAck>;
  }

  ids(): string[] {
    return this.records.map((r) => r.id);
  }

  of(stream: string): DeliveredRecord[] {
    return this.records.filter((r) => r.stream === stream);
  }

  eventsNamed(event: string): ReceivedEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  close(): void {
    this.socket.close();
  }
}
