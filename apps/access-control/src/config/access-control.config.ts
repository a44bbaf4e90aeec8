import { adminEnv, checkHttpEnv, checkKafkaEnv, databaseEnv, httpEnv, int, kafkaEnv, loadConfig, secret } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const accessControlEnv = {
  ...kafkaEnv,
  ...databaseEnv,
  ...adminEnv,
  ...httpEnv(DEFAULT_PORTS['access-control']),
  TOKEN_SIGNING_KEY: secret({ pattern: /^[A-Za-z0-9_-]{43}$/, description: 'the Ed25519 seed that signs subscription tokens: base64url of 32 random bytes (delivery gets only its public key)' }),
  AUTH_FAILURES_PER_MINUTE: int({ default: 10, min: 1, description: 'failed authentications per client address and minute before 429' }),
};

export type AccessControlConfig = ConfigOf<typeof accessControlEnv>;

export function loadAccessControlConfig(env: NodeJS.ProcessEnv = process.env): AccessControlConfig {
  return loadConfig(accessControlEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const ACCESS_CONTROL_CONFIG = Symbol('ACCESS_CONTROL_CONFIG');
