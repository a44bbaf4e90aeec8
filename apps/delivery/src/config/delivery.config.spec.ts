import { generateTokenSeed, signingKey } from '@streamgate/auth';
import type { ConfigError } from '@streamgate/config';
import { loadDeliveryConfig } from './delivery.config';

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadDeliveryConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('delivery configuration', () => {
  const seed = generateTokenSeed();
  const key = signingKey(seed);

  it('verifies with public keys only and refuses the signing key', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^TOKEN_VERIFY_KEYS is required/)]);
    expect(problems({ TOKEN_VERIFY_KEYS: key.verifyEntry, TOKEN_SIGNING_KEY: seed })).toEqual([
      'TOKEN_SIGNING_KEY=<redacted> is invalid: delivery must not hold the token signing key: give it only TOKEN_VERIFY_KEYS (public keys)',
    ]);
    const config = loadDeliveryConfig({ TOKEN_VERIFY_KEYS: key.verifyEntry });
    expect([...config.TOKEN_VERIFY_KEYS.keys()]).toEqual([key.kid]);
    expect(config.TRUSTED_PROXIES).toEqual([]);
  });

  it('names a bad verify key without echoing it', () => {
    const [problem] = problems({ TOKEN_VERIFY_KEYS: 'kid:not-a-key' });
    expect(problem).toBe('TOKEN_VERIFY_KEYS=<redacted> is invalid: entry 1 is not <kid>:<base64url of a 32-byte Ed25519 public key>');
  });

  it('reads TRUSTED_PROXIES', () => {
    expect(loadDeliveryConfig({ TOKEN_VERIFY_KEYS: key.verifyEntry, TRUSTED_PROXIES: 'loopback,10.0.0.0/8' }).TRUSTED_PROXIES).toEqual(['127.0.0.0/8', '::1/128', '10.0.0.0/8']);
    expect(problems({ TOKEN_VERIFY_KEYS: key.verifyEntry, TRUSTED_PROXIES: '*' })).toEqual([expect.stringMatching(/^TRUSTED_PROXIES="\*" is invalid/)]);
  });
});
