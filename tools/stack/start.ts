// `npm start`: the whole platform on this machine. Kafka and PostgreSQL are started when
// KAFKA_BROKERS / DATABASE_URL are not set; then the five apps, one process each.
// Ctrl-C stops everything this command started.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { APP_NAMES } from '@streamgate/contracts';
import { AppProcess, localDir } from '@streamgate/dev-stack';
import { startInfrastructure } from './infrastructure';

const log = (line: string) => console.log(`[streamgate] ${line}`);

/** Dev secrets: taken from the environment, else generated once and kept in .local/. */
function devTokens(): { ADMIN_TOKEN: string; FINANCE_TOKEN: string; TOKEN_SIGNING_KEY: string } {
  const file = localDir('dev-tokens.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const secret = (name: string, make: () => string) => process.env[name] || saved[name] || make();
  const token = () => `dev_${randomBytes(24).toString('base64url')}`;
  const tokens = {
    ADMIN_TOKEN: secret('ADMIN_TOKEN', token),
    FINANCE_TOKEN: secret('FINANCE_TOKEN', token),
    // The Ed25519 seed signing subscription tokens (base64url of 32 random bytes).
    TOKEN_SIGNING_KEY: secret('TOKEN_SIGNING_KEY', () => randomBytes(32).toString('base64url')),
  };
  mkdirSync(localDir(), { recursive: true });
  writeFileSync(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return tokens;
}

async function main(): Promise<void> {
  const started = Date.now();
  const infrastructure = await startInfrastructure(log);
  const tokens = devTokens();
  const env = { ...process.env, KAFKA_BROKERS: infrastructure.kafkaBrokers, DATABASE_URL: infrastructure.databaseUrl, ...tokens };
  const apps = APP_NAMES.map((app) => new AppProcess({ app, env, output: 'inherit' }));
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping apps, then the services this command started');
    await Promise.all(apps.map((a) => a.stop()));
    await infrastructure.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  try {
    await Promise.all(apps.map((a) => a.start()));
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

Ctrl-C stops everything.
`);
}

main().catch((error: Error) => {
  console.error(`[streamgate] ${error.stack ?? error.message}`);
  process.exit(1);
});
