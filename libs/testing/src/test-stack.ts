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

/**
 * A kafkajs client on the test broker (or on `brokers`, e.g. a broker of the test's own);
 * `quiet` hides the errors a test provokes on purpose.
 */
export function testKafka(clientId = 'streamgate-test', { quiet = false, brokers }: { quiet?: boolean; brokers?: string[] } = {}): Kafka {
  return new Kafka({ clientId, brokers: brokers ?? testKafkaBrokers(), logLevel: quiet ? logLevel.NOTHING : logLevel.WARN, retry: { retries: 5 } });
}

/** A fresh database on the test server (or on the server of `base`); each test file gets its own. */
export async function createTestDatabase(base = process.env.DATABASE_URL): Promise<string> {
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
/**
 * A free TCP port for an app under test, taken below the kernel's ephemeral range (32768+ on
 * Linux): a port from the ephemeral range can be handed to an outgoing connection (a Kafka
 * client's) between this check and the app's listen, which made starts fail with EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** The server's maintenance-database URL for a database URL. */
function adminUrlOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}
