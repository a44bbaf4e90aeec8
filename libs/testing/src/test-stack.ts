import { createServer } from 'node:net';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { uniqueName } from './unique';

/**
 * What the global setup attached to or started, read by tests from the environment it set:
 * KAFKA_BROKERS and DATABASE_URL (when unset before the run, the local broker and embedded
 * PostgreSQL were started for it).
 */
export function testKafkaBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run integration tests through jest (global setup)');
  return brokers.split(',');
}

/** A kafkajs client on the test broker; `quiet` hides the errors a test provokes on purpose. */
export function testKafka(clientId = 'streamgate-test', { quiet = false } = {}): Kafka {
  return new Kafka({ clientId, brokers: testKafkaBrokers(), logLevel: quiet ? logLevel.NOTHING : logLevel.WARN, retry: { retries: 5 } });
}

/** A fresh database on the test server; each test file gets its own. */
export async function createTestDatabase(): Promise<string> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set: run integration tests through jest (global setup)');
  const name = uniqueName('sg_test_');
  const client = new Client({ connectionString: adminUrlOf(base) });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const client = new Client({ connectionString: adminUrlOf(url) });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A TCP port nobody listens on right now (for app processes of one test). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The server's maintenance-database URL for a database URL. */
function adminUrlOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}
