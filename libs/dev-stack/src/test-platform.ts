import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { APP_NAMES } from '@streamgate/contracts';
import type { AppName } from '@streamgate/contracts';
import { createTestDatabase, dropTestDatabase, freePort, httpClient, testKafkaBrokers, uniqueName } from '@streamgate/testing';
import type { HttpClient } from '@streamgate/testing';
import { AppProcess } from './app-processes';
import { localDir } from './paths';
import { provisionContractTopics } from './provision';

export interface TestPlatform {
  /** TOPIC_PREFIX of this platform: its topics and groups are its own. */
  prefix: string;
  env: NodeJS.ProcessEnv;
  apps: Record<AppName, AppProcess>;
  url(app: AppName): string;
  /** HTTP client of access-control's admin API, with the admin token. */
  admin: HttpClient;
  /** Where each app's output goes, for reading after a failure. */
  logDir: string;
  stop(): Promise<void>;
}

/**
 * The five apps as processes from dist/, as `npm start` runs them, on free ports, with a
 * topic prefix and a database of their own so tests can run side by side.
 */
export async function startPlatform(options: { apps?: AppName[]; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Promise<TestPlatform> {
  const prefix = `${uniqueName('e2e')}.`;
  await provisionContractTopics(testKafkaBrokers(), prefix);
  const databaseUrl = await createTestDatabase();
  const logDir = localDir('test-logs', prefix.slice(0, -1));
  mkdirSync(logDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: 'test-admin-token-0123456789',
    FINANCE_TOKEN: 'test-finance-token-0123456789',
    TOKEN_SIGNING_KEY: 'dGVzdC1vbmx5LXNpZ25pbmcta2V5LTMyLWJ5dGVzISE',
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
