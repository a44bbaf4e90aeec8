import { adminEnv, checkHttpEnv, checkKafkaEnv, databaseEnv, httpEnv, kafkaEnv, loadConfig, str } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const meteringEnv = {
  ...kafkaEnv,
  ...databaseEnv,
  ...adminEnv,
  ...httpEnv(DEFAULT_PORTS.metering),
  FINANCE_TOKEN: str({ minLength: 16, description: 'bearer token of the finance reports (at least 16 characters)' }),
};

export type MeteringConfig = ConfigOf<typeof meteringEnv>;

export function loadMeteringConfig(env: NodeJS.ProcessEnv = process.env): MeteringConfig {
  return loadConfig(meteringEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const METERING_CONFIG = Symbol('METERING_CONFIG');
