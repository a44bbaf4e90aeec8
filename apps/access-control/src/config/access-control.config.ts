import { adminEnv, checkHttpEnv, checkKafkaEnv, databaseEnv, httpEnv, kafkaEnv, loadConfig } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const accessControlEnv = {
  ...kafkaEnv,
  ...databaseEnv,
  ...adminEnv,
  ...httpEnv(DEFAULT_PORTS['access-control']),
};

export type AccessControlConfig = ConfigOf<typeof accessControlEnv>;

export function loadAccessControlConfig(env: NodeJS.ProcessEnv = process.env): AccessControlConfig {
  return loadConfig(accessControlEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const ACCESS_CONTROL_CONFIG = Symbol('ACCESS_CONTROL_CONFIG');
