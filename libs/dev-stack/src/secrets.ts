import { randomBytes } from 'node:crypto';
import { generateTokenSeed, signingKey } from '@streamgate/auth';

export const SECRET_NAMES = ['ADMIN_TOKEN', 'FINANCE_TOKEN', 'TOKEN_SIGNING_KEY', 'TOKEN_VERIFY_KEYS', 'REDACT_HASH_KEY'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
export type Secrets = Record<SecretName, string>;

/**
 * Which secrets each app is given: only its own. Delivery, the internet-facing app, gets the
 * public token verification keys and never the signing key. An app not listed gets none.
 */
const SECRETS_OF: Partial<Record<string, readonly SecretName[]>> = {
  'access-control': ['ADMIN_TOKEN', 'TOKEN_SIGNING_KEY'],
  metering: ['ADMIN_TOKEN', 'FINANCE_TOKEN'],
  enrichment: ['REDACT_HASH_KEY'],
  delivery: ['TOKEN_VERIFY_KEYS'],
  ingest: [],
};

/**
 * Random values for every secret not given, each in the form the apps accept; the verify keys
 * are derived from the signing key unless given too.
 */
export function generateSecrets(given: Partial<Record<string, string | undefined>> = {}): Secrets {
  const pick = (name: SecretName, make: () => string) => given[name] || make();
  const token = () => `dev_${randomBytes(24).toString('base64url')}`;
  const seed = pick('TOKEN_SIGNING_KEY', generateTokenSeed);
  return {
    ADMIN_TOKEN: pick('ADMIN_TOKEN', token),
    FINANCE_TOKEN: pick('FINANCE_TOKEN', token),
    TOKEN_SIGNING_KEY: seed,
    TOKEN_VERIFY_KEYS: pick('TOKEN_VERIFY_KEYS', () => signingKey(seed).verifyEntry),
    REDACT_HASH_KEY: pick('REDACT_HASH_KEY', () => randomBytes(32).toString('base64url')),
  };
}

/** `env` without the secrets that do not belong to `app`. */
export function envForApp(app: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const own = SECRETS_OF[app] ?? [];
  const result = { ...env };
  for (const name of SECRET_NAMES) if (!own.includes(name)) delete result[name];
  return result;
}
