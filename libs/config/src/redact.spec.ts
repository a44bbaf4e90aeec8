import { loadConfig } from './env-spec';
import type { ConfigError } from './env-spec';
import { databaseEnv, httpEnv } from './common-env';
import { secret } from './env-vars';
import { redactSecrets, redactUrlCredentials, redactUrlValue, rememberSecret } from './redact';

describe('redactUrlCredentials', () => {
  it.each([
    ['postgres://app:s3cr3t-pw@db:5432/streamgate', 'postgres://app:***@db:5432/streamgate'],
    ['connect to postgresql://app:s3cr3t-pw@db/x failed', 'connect to postgresql://app:***@db/x failed'],
    ['redis://:s3cr3t-pw@cache:6379', 'redis://:***@cache:6379'],
    // Unescaped @ and / in the password: masked up to the last @ of the URL.
    ['postgres://app:p@ss/w0rd@db/x', 'postgres://app:***@db/x'],
    ['{"error":"DATABASE_URL=\\"postgres://app:pw1234@db/x\\" is invalid"}', '{"error":"DATABASE_URL=\\"postgres://app:***@db/x\\" is invalid"}'],
    ['a=http://u:one@h1 b=https://v:two@h2', 'a=http://u:***@h1 b=https://v:***@h2'],
  ])('masks the password of %j', (text, expected) => {
    expect(redactUrlCredentials(text)).toBe(expected);
  });

  it.each(['postgres://db:5432/streamgate', 'http://127.0.0.1:3001/health', 'user@example.com', 'ingest.trades:2:17', 'https://host/@handle'])(
    'leaves %j alone',
    (text) => expect(redactUrlCredentials(text)).toBe(text),
  );
});

describe('redactUrlValue', () => {
  it('masks a whole value, white space in the password included', () => {
    expect(redactUrlValue('postgres://app:pass word@db/x')).toBe('postgres://app:***@db/x');
    expect(redactUrlValue('mysql://app:Hunter2Pass@127.0.0.1:54329:5/db')).toBe('mysql://app:***@127.0.0.1:54329:5/db');
    expect(redactUrlValue('postgres://db/x')).toBe('postgres://db/x');
    expect(redactUrlValue('not a url')).toBe('not a url');
  });
});

describe('redactSecrets', () => {
  it('masks remembered secrets, also JSON-escaped, and URL passwords', () => {
    rememberSecret('tok-"quoted"-0123456789');
    rememberSecret('short');
    const text = JSON.stringify({ msg: 'x tok-"quoted"-0123456789 y', url: 'postgres://a:b1234567@h/d', word: 'short' });
    expect(redactSecrets(text)).toBe(JSON.stringify({ msg: 'x *** y', url: 'postgres://a:***@h/d', word: 'short' }));
  });
});

describe('loadConfig and secrets', () => {
  const problems = (env: NodeJS.ProcessEnv, spec: Parameters<typeof loadConfig>[0]): string => {
    try {
      loadConfig(spec, env);
    } catch (error) {
      return (error as ConfigError).problems.join('\n');
    }
    return '';
  };

  it('never echoes the password of a bad DATABASE_URL', () => {
    for (const url of ['mysql://app:Hunter2Pass@db/x', 'postgres://app:Hunter2Pass@db:1:2/x', 'postgres://app:Hunter2Pass@db x/y']) {
      const text = problems({ DATABASE_URL: url }, databaseEnv);
      expect(text).toMatch(/^DATABASE_URL="\w+:\/\/app:\*\*\*@db.*" is invalid/);
      expect(text).not.toContain('Hunter');
    }
  });

  it('remembers secret values and URL passwords, so later output masks them', () => {
    const token = 'Zq7-loaded-t0ken-value-81';
    loadConfig({ ADMIN_TOKEN: secret({ description: 'token' }), ...databaseEnv }, { ADMIN_TOKEN: token, DATABASE_URL: 'postgres://app:p%40ss-Word9@db/x' });
    expect(redactSecrets(`token ${token}; password p@ss-Word9 or p%40ss-Word9`)).toBe('token ***; password *** or ***');
  });

  it('names a TLS_KEY path (a path, not a secret) but never a secret', () => {
    expect(problems({ TLS_KEY: '/etc/tls/key.pem' }, httpEnv(3001))).toBe('');
    expect(redactSecrets('open /etc/tls/key.pem')).toBe('open /etc/tls/key.pem');
  });
});
