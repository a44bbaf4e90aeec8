import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './env-spec';
import { cidrList, forbidden, secret } from './env-vars';
import { adminEnv } from './common-env';
import { KNOWN_DEFAULT_SECRETS, SECRET_RECIPE, knownDefaultProblem } from './known-defaults';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('secret variables', () => {
  const spec = { ...adminEnv, FINANCE_TOKEN: secret({ minLength: 16, description: 'finance' }), REDACT_HASH_KEY: secret({ minLength: 32, description: 'hash key' }) };

  it.each([
    ...KNOWN_DEFAULT_SECRETS.filter((v) => v.length >= 16),
    'Change-Me-Admin-Token-Please',
    'my-admin-SECRET-value-1234',
    'password1234567890',
    'https://example.com/token-xyz',
    'streamgate-admin-0001',
    'aaaaaaaaaaaaaaaaaaaaaaaa',
    '0101010101010101',
  ])('refuse %j, naming the variable but not the value', (value) => {
    const problems = problemsOf(() => loadConfig(spec, { ADMIN_TOKEN: value, FINANCE_TOKEN: value, REDACT_HASH_KEY: value.padEnd(32, value) }));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^ADMIN_TOKEN=<redacted> is invalid: .*generate one with: openssl/);
    expect(problems[1]).toMatch(/^FINANCE_TOKEN=<redacted> is invalid/);
    expect(problems[2]).toMatch(/^REDACT_HASH_KEY=<redacted> is invalid/);
    expect(problems.join('\n')).not.toContain(value);
  });

  it('accept random values, including every value the documented recipe makes', () => {
    for (let i = 0; i < 2_000; i++) {
      const value = randomBytes(32).toString('base64url');
      expect(knownDefaultProblem(value)).toBeUndefined();
    }
    const made = execSync(SECRET_RECIPE, { encoding: 'utf8', shell: '/bin/sh' });
    expect(made).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(loadConfig(spec, { ADMIN_TOKEN: made, FINANCE_TOKEN: made, REDACT_HASH_KEY: made })).toMatchObject({ ADMIN_TOKEN: made });
  });

  it('still apply length and pattern rules', () => {
    expect(problemsOf(() => loadConfig(spec, { ADMIN_TOKEN: 'Xk3-9aQ', FINANCE_TOKEN: 'a1b2c3d4e5f6g7h8', REDACT_HASH_KEY: 'q'.repeat(3) }))).toEqual([
      'ADMIN_TOKEN=<redacted> is invalid: must be at least 16 characters',
      'REDACT_HASH_KEY=<redacted> is invalid: must be at least 32 characters',
    ]);
  });
});

describe('forbidden variables', () => {
  it('refuse to start when set, and are undefined when unset', () => {
    const spec = { TOKEN_SIGNING_KEY: forbidden('delivery verifies with TOKEN_VERIFY_KEYS and must not hold the signing key') };
    expect(loadConfig(spec, {})).toEqual({ TOKEN_SIGNING_KEY: undefined });
    expect(problemsOf(() => loadConfig(spec, { TOKEN_SIGNING_KEY: 'anything' }))).toEqual([
      'TOKEN_SIGNING_KEY=<redacted> is invalid: delivery verifies with TOKEN_VERIFY_KEYS and must not hold the signing key',
    ]);
  });
});

describe('cidrList (TRUSTED_PROXIES)', () => {
  const spec = { TRUSTED_PROXIES: cidrList({ default: [], description: 'proxies' }) };

  it('reads names, addresses and CIDRs into CIDRs', () => {
    expect(loadConfig(spec, {}).TRUSTED_PROXIES).toEqual([]);
    expect(loadConfig(spec, { TRUSTED_PROXIES: 'loopback, 10.0.0.0/8,192.168.1.7, fd00::/8 ,2001:db8::1' }).TRUSTED_PROXIES).toEqual([
      '127.0.0.0/8',
      '::1/128',
      '10.0.0.0/8',
      '192.168.1.7/32',
      'fd00::/8',
      '2001:db8::1/128',
    ]);
  });

  it.each(['everyone', '10.0.0.0/33', '10.0.0/8', '::1/129', '10.0.0.0/8/1', '10.0.0.0/x', '*'])('refuses %j', (raw) => {
    expect(problemsOf(() => loadConfig(spec, { TRUSTED_PROXIES: raw }))[0]).toMatch(/^TRUSTED_PROXIES=".*" is invalid: .* is not an IP address, a CIDR/);
  });
});
