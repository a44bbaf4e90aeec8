import { checkHttpEnv, checkKafkaEnv, httpEnv, int, kafkaEnv, loadConfig, optionalStr } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const deliveryEnv = {
  ...kafkaEnv,
  ...httpEnv(DEFAULT_PORTS.delivery),
  MAX_SUBSCRIPTIONS_PER_SOCKET: int({ default: 50, min: 1, description: 'subscriptions one socket may hold' }),
  INSTANCE_ID: optionalStr('name of this delivery instance (default: host name and pid)'),
};

export type DeliveryConfig = ConfigOf<typeof deliveryEnv>;

export function loadDeliveryConfig(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  return loadConfig(deliveryEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const DELIVERY_CONFIG = Symbol('DELIVERY_CONFIG');
