import { ensureKafka, ensurePostgres, provisionContractTopics } from '@streamgate/dev-stack';

export interface Infrastructure {
  kafkaBrokers: string;
  databaseUrl: string;
  /** Stops what this process started (nothing when it attached to running services). */
  stop(): Promise<void>;
}

/**
 * KAFKA_BROKERS / DATABASE_URL when set (nothing local is started); otherwise the local
 * broker and embedded PostgreSQL. Then the contract's topics are provisioned.
 */
export async function startInfrastructure(log: (line: string) => void): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  if (!kafkaBrokers) {
    const broker = await ensureKafka({ log });
    if (broker.started) stops.push(broker.stop);
    kafkaBrokers = broker.brokers.join(',');
    log(broker.started ? `Kafka ${broker.version} started on ${kafkaBrokers}` : `using the Kafka broker already on ${kafkaBrokers}`);
  } else {
    log(`using KAFKA_BROKERS=${kafkaBrokers}`);
  }
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const postgres = await ensurePostgres({ log });
    if (postgres.started) stops.push(postgres.stop);
    databaseUrl = postgres.url;
    log(postgres.started ? `PostgreSQL started (${databaseUrl})` : `using the PostgreSQL already at ${databaseUrl}`);
  } else {
    log('using DATABASE_URL');
  }
  const created = await provisionContractTopics(kafkaBrokers.split(','), process.env.TOPIC_PREFIX ?? '');
  if (created.length > 0) log(`created topics: ${created.join(', ')}`);
  return {
    kafkaBrokers,
    databaseUrl,
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch((error: Error) => log(`stop failed: ${error.message}`));
    },
  };
}
