import { parseVerifyKeys, signingKey } from '@streamgate/auth';
import { knownDefaultProblem } from '@streamgate/config';
import { SECRET_NAMES, envForApp, generateSecrets } from './secrets';

describe('dev and test secrets', () => {
  it('are random, accepted by the apps, and the verify key is the signing key’s public half', () => {
    const secrets = generateSecrets();
    expect(Object.keys(secrets).sort()).toEqual([...SECRET_NAMES].sort());
    for (const name of ['ADMIN_TOKEN', 'FINANCE_TOKEN', 'TOKEN_SIGNING_KEY', 'REDACT_HASH_KEY'] as const) expect(knownDefaultProblem(secrets[name])).toBeUndefined();
    expect(secrets.REDACT_HASH_KEY.length).toBeGreaterThanOrEqual(32);
    expect(secrets.TOKEN_VERIFY_KEYS).toBe(signingKey(secrets.TOKEN_SIGNING_KEY).verifyEntry);
    expect(parseVerifyKeys(secrets.TOKEN_VERIFY_KEYS).size).toBe(1);
    expect(generateSecrets().ADMIN_TOKEN).not.toBe(secrets.ADMIN_TOKEN);
  });

  it('keep given values and derive the verify key from a given seed', () => {
    const seed = generateSecrets().TOKEN_SIGNING_KEY;
    const secrets = generateSecrets({ TOKEN_SIGNING_KEY: seed, ADMIN_TOKEN: 'given-admin-token-123' });
    expect(secrets).toMatchObject({ ADMIN_TOKEN: 'given-admin-token-123', TOKEN_SIGNING_KEY: seed, TOKEN_VERIFY_KEYS: signingKey(seed).verifyEntry });
  });

  it('reach each app only as its own: delivery never gets the signing key', () => {
    const env = { ...generateSecrets(), KAFKA_BROKERS: 'k:9092' };
    const secretsOf = (app: string) => Object.keys(envForApp(app, env)).filter((k) => k !== 'KAFKA_BROKERS').sort();
    expect(secretsOf('delivery')).toEqual(['TOKEN_VERIFY_KEYS']);
    expect(secretsOf('access-control')).toEqual(['ADMIN_TOKEN', 'TOKEN_SIGNING_KEY']);
    expect(secretsOf('metering')).toEqual(['ADMIN_TOKEN', 'FINANCE_TOKEN']);
    expect(secretsOf('enrichment')).toEqual(['REDACT_HASH_KEY']);
    expect(secretsOf('ingest')).toEqual([]);
    expect(secretsOf('some-new-app')).toEqual([]);
    expect(envForApp('delivery', env).KAFKA_BROKERS).toBe('k:9092');
  });
});
