import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Topics } from '@streamgate/contracts';
import { KAFKA, KAFKA_ADMIN } from '@streamgate/kafka';
import type { Admin, Kafka } from '@streamgate/kafka';
import { StreamCatalog } from '@streamgate/streams';

/** The streams delivery may serve, followed live on control.streams. */
@Injectable()
export class StreamDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StreamDirectory.name);
  readonly catalog: StreamCatalog;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(KAFKA_ADMIN) admin: Admin, topics: Topics) {
    this.catalog = new StreamCatalog({
      kafka,
      admin,
      topics,
      app: 'delivery',
      onInvalid: (key, error) => this.logger.error({ msg: 'unreadable stream definition', stream: key, error: error.message }),
    });
  }

  has(stream: string): boolean {
    return this.catalog.get(stream) !== undefined;
  }

  onModuleInit(): Promise<void> {
    return this.catalog.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.catalog.stop();
  }
}
