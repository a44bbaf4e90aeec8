import { spawnSync } from 'node:child_process';
import { signingKey } from '@streamgate/auth';
import type { AppName } from '@streamgate/contracts';
import { AppProcess } from '@streamgate/dev-stack';

// What docker-compose.yml and the test platform used to ship. Whoever has read the repository
// knows them: with them, the admin API opened and anyone could mint subscription tokens.
const OLD_TEST_SEED = 'dGVzdC1vbmx5LXNpZ25pbmcta2V5LTMyLWJ5dGVzISE';
const PUBLISHED = {
  ADMIN_TOKEN: 'change-me-admin-token',
  FINANCE_TOKEN: 'change-me-finance-token',
  TOKEN_SIGNING_KEY: OLD_TEST_SEED,
  REDACT_HASH_KEY: 'change-me-redact-hash-key-0123456789',
};

function start(app: AppName, env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [AppProcess.entryPoint(app)], {
    env: { PATH: process.env.PATH, PORT: '0', DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('published default secrets are refused at start-up', () => {
  it.each([
    ['access-control', { ADMIN_TOKEN: PUBLISHED.ADMIN_TOKEN, TOKEN_SIGNING_KEY: PUBLISHED.TOKEN_SIGNING_KEY }, ['ADMIN_TOKEN', 'TOKEN_SIGNING_KEY']],
    ['metering', { ADMIN_TOKEN: PUBLISHED.ADMIN_TOKEN, FINANCE_TOKEN: PUBLISHED.FINANCE_TOKEN }, ['ADMIN_TOKEN', 'FINANCE_TOKEN']],
    ['enrichment', { REDACT_HASH_KEY: PUBLISHED.REDACT_HASH_KEY }, ['REDACT_HASH_KEY']],
    ['delivery', { TOKEN_VERIFY_KEYS: signingKey(OLD_TEST_SEED).verifyEntry }, ['TOKEN_VERIFY_KEYS']],
  ] as Array<[AppName, NodeJS.ProcessEnv, string[]]>)('%s names each one and exits 1', (app, env, names) => {
    const result = start(app, env);
    expect(result.status).toBe(1);
    const error = (JSON.parse(result.stderr.trim().split('\n').pop() ?? '{}') as { error?: string }).error ?? '';
    for (const name of names) expect(error).toMatch(new RegExp(`${name}=<redacted> is invalid: (is a published default value|looks like a placeholder|entry 1 \\(key "[^"]+"\\) belongs to a published seed)`));
    for (const value of Object.values(env)) expect(result.stderr).not.toContain(value);
  });
});
