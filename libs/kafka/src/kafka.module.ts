import { Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { KafkaEnv } from '@streamgate/config';
import { Topics } from '@streamgate/contracts';
import { HealthRegistry, connectLink } from '@streamgate/service';
import { createKafka, createKafkaProbe, probeKafka } from './kafka-client';
import { checkKafka } from './kafka-health';
import { BatchConsumers } from './batch-consumers';
import { checkControlTables } from './control-table';
import { KAFKA, KAFKA_ADMIN, TRANSACTION_INTERVAL } from './kafka.tokens';
import { RecordProducer } from './producer';
import { ConsumerHooks, KafkaBatchTransport } from './transport';

const KAFKA_PROBE = Symbol('KAFKA_PROBE');

/**
 * Connects the shared producer and admin, waiting out a Kafka outage at start-up (readiness
 * names `kafka` meanwhile); flushes and closes them last at shutdown. Readiness also has
 * `control`: down while a control table is still being read or its reader is down.
 */
@Injectable()
class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  // Started at construction, so Kafka and PostgreSQL connect at the same time and readiness
  // names every link that is down, not just the first one waited for.
  private readonly connected: Promise<void>;

  constructor(
    private readonly producer: RecordProducer,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(KAFKA_PROBE) probe: Kafka,
    health: HealthRegistry,
  ) {
    this.connected = connectLink(health, {
      link: 'kafka',
      connect: async () => {
        await probeKafka(probe);
        await Promise.all([this.producer.connect(), this.admin.connect()]);
      },
      check: () => checkKafka(this.admin),
    });
    // Awaited in onModuleInit; until then a failure must not count as unhandled.
    this.connected.catch(() => undefined);
    health.register('control', () => checkControlTables(kafka));
  }

  async onModuleInit(): Promise<void> {
    await this.connected;
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
        { provide: KAFKA_PROBE, useValue: createKafkaProbe(env, clientId) },
        { provide: KAFKA_ADMIN, useValue: kafka.admin() },
        { provide: RecordProducer, useValue: new RecordProducer(kafka) },
        { provide: Topics, useValue: new Topics(env.TOPIC_PREFIX) },
        { provide: TRANSACTION_INTERVAL, useValue: env.KAFKA_TRANSACTION_INTERVAL },
        BatchConsumers,
        ConsumerHooks,
        KafkaBatchTransport,
        KafkaLifecycle,
      ],
      exports: [KAFKA, KAFKA_ADMIN, RecordProducer, Topics, BatchConsumers, ConsumerHooks, KafkaBatchTransport],
    };
  }
}

