import { adminEnv, checkHttpEnv, checkKafkaEnv, databaseEnv, duration, httpEnv, int, kafkaEnv, loadConfig, secret } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const meteringEnv = {
  ...kafkaEnv,
  ...databaseEnv,
  ...adminEnv,
  ...httpEnv(DEFAULT_PORTS.metering),
  FINANCE_TOKEN: secret({ minLength: 16, description: 'bearer token of the finance reports (at least 16 characters, not a published default)' }),
  AUTH_FAILURES_PER_MINUTE: int({ default: 10, min: 1, description: 'failed authentications per client address and minute before 429' }),
  QUOTA_SWEEP_INTERVAL: duration({ default: 60_000, description: 'how often every partner quota is re-evaluated (period roll-over, plan changes)' }),
  USAGE_ID_RETENTION: duration({ default: 40 * 86_400_000, description: 'how long counted event ids are kept for deduplication (longer than usage.events retention)' }),
};

export type MeteringConfig = ConfigOf<typeof meteringEnv>;

export function loadMeteringConfig(env: NodeJS.ProcessEnv = process.env): MeteringConfig {
  return loadConfig(meteringEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const METERING_CONFIG = Symbol('METERING_CONFIG');
