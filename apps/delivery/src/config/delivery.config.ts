import { checkHttpEnv, checkKafkaEnv, duration, httpEnv, int, kafkaEnv, loadConfig, optionalStr, str } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const deliveryEnv = {
  ...kafkaEnv,
  ...httpEnv(DEFAULT_PORTS.delivery),
  TOKEN_SIGNING_KEY: str({ pattern: /^[A-Za-z0-9_-]{43}$/, description: 'the Ed25519 seed of access-control (its public half verifies subscription tokens)' }),
  MAX_SUBSCRIPTIONS_PER_SOCKET: int({ default: 50, min: 1, description: 'subscriptions one socket may hold' }),
  AUTH_FAILURES_PER_MINUTE: int({ default: 10, min: 1, description: 'failed handshakes per client address and minute before RATE_LIMITED' }),
  RECENT_WINDOW_BYTES: int({ default: 64 * 1024 * 1024, min: 0, description: 'records.enriched kept in memory for catch-ups, in bytes' }),
  RECENT_WINDOW_AGE: duration({ default: 5 * 60_000, description: 'how long records stay in the recent window' }),
  MAX_SOCKET_BUFFER_BYTES: int({ default: 1024 * 1024, min: 1024, description: 'output a socket may leave unread before its subscriptions lag (catch up from the log instead)' }),
  REPLAY_RECORDS_PER_SECOND: int({ default: 5_000, min: 1, description: "replay pace per partner when its plan sets none" }),
  USAGE_WINDOW: duration({ default: 2_000, description: 'how often delivered usage is reported to usage.events' }),
  INSTANCE_ID: optionalStr('name of this delivery instance (default: host name and pid)'),
};

export type DeliveryConfig = ConfigOf<typeof deliveryEnv>;

export function loadDeliveryConfig(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  return loadConfig(deliveryEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const DELIVERY_CONFIG = Symbol('DELIVERY_CONFIG');
