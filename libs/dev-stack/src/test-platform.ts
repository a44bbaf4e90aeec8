import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { APP_NAMES } from '@streamgate/contracts';
import type { AppName } from '@streamgate/contracts';
import { createTestDatabase, dropTestDatabase, freePort, httpClient, testKafkaBrokers, uniqueName } from '@streamgate/testing';
import type { HttpClient } from '@streamgate/testing';
import { AppProcess } from './app-processes';
import { localDir } from './paths';
import { provisionContractTopics } from './provision';
import { generateSecrets } from './secrets';

export interface TestPlatform {
  /** TOPIC_PREFIX of this platform: its topics and groups are its own. */
  prefix: string;
  /** Everything the platform was started with, every app's secrets included (each app got only its own). */
  env: NodeJS.ProcessEnv;
  apps: Record<AppName, AppProcess>;
  url(app: AppName): string;
  /** HTTP client of access-control's admin API, with the admin token. */
  admin: HttpClient;
  /** Where each app's output goes, for reading after a failure. */
  logDir: string;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  apps?: AppName[];
  env?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  /** Another broker than the shared test broker (KAFKA_BROKERS), e.g. one the test pauses. */
  kafkaBrokers?: string[];
  /** A database URL on another server than the shared one (DATABASE_URL); the platform's database is created there. */
  databaseServerUrl?: string;
}

/**
 * The five apps as processes from dist/, as `npm start` runs them, on free ports, with a
 * topic prefix and a database of their own so tests can run side by side.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const prefix = `${uniqueName('e2e')}.`;
  const brokers = options.kafkaBrokers ?? testKafkaBrokers();
  await provisionContractTopics(brokers, prefix);
  const databaseUrl = await createTestDatabase(options.databaseServerUrl);
  const logDir = localDir('test-logs', prefix.slice(0, -1));
  mkdirSync(logDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: brokers.join(','),
    TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    // Fresh secrets per platform (a suite may give its own); each app gets only its own.
    ...generateSecrets(options.env),
    SOURCE_DISCOVERY_INTERVAL: '500ms',
    // Every test client comes from 127.0.0.1; suites that test the limiter lower it.
    AUTH_FAILURES_PER_MINUTE: '1000',
    ...options.env,
  };
  const names = options.apps ?? APP_NAMES;
  const apps = {} as Record<AppName, AppProcess>;
  for (const app of names) {
    apps[app] = new AppProcess({ app, env, port: await freePort(), output: join(logDir, `${app}.log`), nodeArgs: options.nodeArgs });
  }
  const running = Object.values(apps);
  try {
    await Promise.all(running.map((a) => a.start()));
  } catch (error) {
    await Promise.all(running.map((a) => a.kill()));
    throw new Error(`${(error as Error).message} (logs in ${logDir})`);
  }
  return {
    prefix,
    env,
    apps,
    logDir,
    url: (app) => apps[app].url,
    admin: httpClient(apps['access-control']?.url ?? 'http://127.0.0.1:1', String(env.ADMIN_TOKEN)),
    stop: async () => {
      await Promise.all(running.map((a) => a.stop()));
      await dropTestDatabase(databaseUrl).catch(() => undefined);
    },
  };
}
