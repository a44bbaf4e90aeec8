// `npm start`: the whole platform on this machine. Kafka and PostgreSQL are started when
// KAFKA_BROKERS / DATABASE_URL are not set; then the five apps, one process each, supervised:
// an app that exits or is killed is restarted with backoff, as Kubernetes would.
// Ctrl-C stops everything this command started.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { APP_NAMES } from '@streamgate/contracts';
import { AppProcess, SECRET_NAMES, Supervisor, generateSecrets, localDir } from '@streamgate/dev-stack';
import type { Secrets } from '@streamgate/dev-stack';
import { startInfrastructure } from './infrastructure';

const log = (line: string) => console.log(`[streamgate] ${line}`);

/**
 * Dev secrets: taken from the environment, else generated once and kept in .local/ (delivery's
 * verify key is derived from the signing key, not kept).
 */
function devSecrets(): Secrets {
  const file = localDir('dev-tokens.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const given = Object.fromEntries(SECRET_NAMES.map((name) => [name, process.env[name] || saved[name]]));
  const secrets = generateSecrets(given);
  mkdirSync(localDir(), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...secrets, TOKEN_VERIFY_KEYS: undefined }, null, 2), { mode: 0o600 });
  return secrets;
}

async function main(): Promise<void> {
  const started = Date.now();
  const infrastructure = await startInfrastructure(log);
  const tokens = devSecrets();
  const env = { ...process.env, KAFKA_BROKERS: infrastructure.kafkaBrokers, DATABASE_URL: infrastructure.databaseUrl, ...tokens };
  // AppProcess gives each app only its own secrets: delivery verifies with the public key alone.
  // On a fresh broker the group coordinator takes a while to load, so readiness can take
  // minutes the first time: wait for it rather than give up after one.
  const apps = APP_NAMES.map((app) => new AppProcess({ app, env, output: 'inherit', readyTimeoutMs: 300_000 }));
  const supervisors = apps.map((app) => new Supervisor(app, { log }));
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping apps, then the services this command started');
    await Promise.all(supervisors.map((s) => s.stop()));
    await infrastructure.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  try {
    await Promise.all(supervisors.map((s) => s.start()));
  } catch (error) {
    log(`start-up failed: ${(error as Error).message}`);
    await stopAll(1);
    return;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
Streamgate is up (${seconds} s).

  ${apps.map((a) => `${a.app.padEnd(15)} ${a.url}`).join('\n  ')}
  kafka           ${infrastructure.kafkaBrokers}
  postgres        ${infrastructure.databaseUrl.replace(/\/\/[^@]*@/, '//')}

  ADMIN_TOKEN=${tokens.ADMIN_TOKEN}
  FINANCE_TOKEN=${tokens.FINANCE_TOKEN}

Try it (in another terminal: a stream, a partner with a key and an entitlement, then a subscriber):
  npm run example:setup -- demo
  npm run example:subscribe -- demo
and in a third one, produce a record:
  npm run example:produce -- demo '{"symbol":"ACME","price":101.5}'

Apps that exit are restarted (with backoff). Ctrl-C stops everything.
`);
}

main().catch((error: Error) => {
  console.error(`[streamgate] ${error.stack ?? error.message}`);
  process.exit(1);
});
