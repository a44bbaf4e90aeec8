import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { SocketEvent } from '@streamgate/contracts';
import type { DeliveredRecord, SubscribeAck, SubscribeRequest } from '@streamgate/contracts';

/** A real socket.io-client subscriber that keeps every record it receives, in arrival order. */
export class TestSubscriber {
  readonly records: DeliveredRecord[] = [];
  private constructor(readonly socket: Socket) {
    socket.on(SocketEvent.Record, (record: DeliveredRecord) => this.records.push(record));
    socket.on(SocketEvent.Records, (records: DeliveredRecord[]) => this.records.push(...records));
  }

  static async connect(url: string, auth: Record<string, string> = {}): Promise<TestSubscriber> {
    const socket = io(url, { auth, transports: ['websocket'], reconnection: false, timeout: 10_000 });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new TestSubscriber(socket);
  }

  subscribe(request: SubscribeRequest): Promise<SubscribeAck> {
    return this.socket.timeout(10_000).emitWithAck(SocketEvent.Subscribe, request) as Promise<SubscribeAck>;
  }

  ids(): string[] {
    return this.records.map((r) => r.id);
  }

  close(): void {
    this.socket.close();
  }
}
