import { Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import type { KafkaEnv } from '@streamgate/config';
import { Topics } from '@streamgate/contracts';
import { HealthRegistry } from '@streamgate/service';
import { createKafka } from './kafka-client';
import { checkKafka } from './kafka-health';
import { BatchConsumers } from './batch-consumers';
import { KAFKA, KAFKA_ADMIN } from './kafka.tokens';
import { RecordProducer } from './producer';

/** Connects the shared producer and admin at start-up; flushes and closes them last at shutdown. */
@Injectable()
class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly producer: RecordProducer,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly health: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await Promise.all([this.producer.connect(), this.admin.connect()]);
    this.health.register('kafka', () => checkKafka(this.admin));
  }

  // Consumers stop in beforeApplicationShutdown; by now no handler is sending any more.
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}

/**
 * One Kafka client per app: the kafkajs client, the shared producer (acks=all), an admin
 * client, the prefixed topic names and the factory of the app's batch consumers. Global, so
 * features just inject what they use.
 */
@Module({})
export class KafkaModule {
  static forRoot(env: KafkaEnv, clientId: string): DynamicModule {
    const kafka = createKafka(env, clientId);
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA, useValue: kafka },
        { provide: KAFKA_ADMIN, useValue: kafka.admin() },
        { provide: RecordProducer, useValue: new RecordProducer(kafka) },
        { provide: Topics, useValue: new Topics(env.TOPIC_PREFIX) },
        BatchConsumers,
        KafkaLifecycle,
      ],
      exports: [KAFKA, KAFKA_ADMIN, RecordProducer, Topics, BatchConsumers],
    };
  }
}

