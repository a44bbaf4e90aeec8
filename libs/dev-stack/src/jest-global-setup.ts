import { ensureKafka } from './kafka-broker';
import { ensurePostgres } from './postgres';
import { provisionContractTopics } from './provision';

type Stop = () => Promise<void>;
const STOPS = '__streamgateTestStops';

/**
 * Jest global setup of the integration and e2e projects: attach to KAFKA_BROKERS /
 * DATABASE_URL when set, otherwise start the local broker and embedded PostgreSQL (or find
 * them already running). Workers inherit the environment set here.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stdout.write(`[test-stack] ${line}\n`);
  const stops: Stop[] = ((globalThis as Record<string, unknown>)[STOPS] as Stop[] | undefined) ?? [];
  (globalThis as Record<string, unknown>)[STOPS] = stops;
  if (!process.env.KAFKA_BROKERS) {
    const broker = await ensureKafka({ log, heap: ['-Xms256m', '-Xmx768m'] });
    if (broker.started) stops.push(broker.stop);
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
    log(`${broker.started ? 'started' : 'attached to'} Kafka ${broker.version} at ${process.env.KAFKA_BROKERS}`);
  }
  if (!process.env.DATABASE_URL) {
    const postgres = await ensurePostgres({ log, database: 'streamgate_test' });
    if (postgres.started) stops.push(postgres.stop);
    process.env.DATABASE_URL = postgres.url;
    log(`${postgres.started ? 'started' : 'attached to'} PostgreSQL`);
  }
  // The unprefixed contract topics, for tests that use the default names.
  await provisionContractTopics(process.env.KAFKA_BROKERS.split(','), '');
}

export async function stopTestStack(): Promise<void> {
  const stops = ((globalThis as Record<string, unknown>)[STOPS] as Stop[] | undefined) ?? [];
  (globalThis as Record<string, unknown>)[STOPS] = [];
  for (const stop of stops.reverse()) await stop();
}
