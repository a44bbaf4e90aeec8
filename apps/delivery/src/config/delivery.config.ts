import { parseVerifyKeys } from '@streamgate/auth';
import { checkHttpEnv, checkKafkaEnv, duration, forbidden, httpEnv, int, kafkaEnv, loadConfig, optionalStr, parsed } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const deliveryEnv = {
  ...kafkaEnv,
  ...httpEnv(DEFAULT_PORTS.delivery),
  TOKEN_VERIFY_KEYS: parsed({ parse: parseVerifyKeys, description: 'public keys that verify subscription tokens: comma-separated <kid>:<base64url Ed25519 public key> (npm run secrets -- verify-key)' }),
  // The internet-facing app must never hold the key that mints tokens.
  TOKEN_SIGNING_KEY: forbidden('delivery must not hold the token signing key: give it only TOKEN_VERIFY_KEYS (public keys)'),
  MAX_SUBSCRIPTIONS_PER_SOCKET: int({ default: 50, min: 1, description: 'subscriptions one socket may hold' }),
  AUTH_FAILURES_PER_MINUTE: int({ default: 10, min: 1, description: 'failed handshakes per client address and minute before RATE_LIMITED' }),
  RECENT_WINDOW_BYTES: int({ default: 64 * 1024 * 1024, min: 0, description: 'records.enriched kept in memory for catch-ups, in bytes' }),
  RECENT_WINDOW_AGE: duration({ default: 5 * 60_000, description: 'how long records stay in the recent window' }),
  MAX_SOCKET_BUFFER_BYTES: int({ default: 1024 * 1024, min: 1024, description: 'output a socket may leave unread before its subscriptions lag (catch up from the log instead)' }),
  MAX_FILTERS_PER_PARTNER_STREAM: int({ default: 20, min: 1, description: 'distinct subscriber filters one partner may use per stream on an instance (more are refused TOO_MANY_FILTERS)' }),
  MAX_RESUMES_PER_PARTNER: int({ default: 8, min: 1, description: 'resumes (subscribe with since) one partner may run at once on an instance (TOO_MANY_RESUMES)' }),
  MAX_REPLAYS_PER_PARTNER: int({ default: 4, min: 1, description: 'replays one partner may run at once on an instance (more are refused TOO_MANY_REPLAYS)' }),
  DEFAULT_MAX_CONNECTIONS: int({ default: 100, min: 1, description: "sockets one partner may hold on an instance when its plan sets no maxConnections" }),
  RANGE_READ_IDLE_TIMEOUT: duration({ default: 30_000, description: 'a resume or replay reading from Kafka gives up after this long without progress' }),
  CATCH_UP_RECORDS_PER_SECOND: int({ default: 20_000, min: 1, description: "catch-up (resume, lag recovery) pace per partner, in the stream's records read" }),
  REPLAY_RECORDS_PER_SECOND: int({ default: 5_000, min: 1, description: "replay pace per partner when its plan sets none" }),
  MAX_UNSENT_USAGE_EVENTS: int({ default: 100_000, min: 100, description: 'usage events kept while usage.events cannot be written (oldest dropped beyond)' }),
  USAGE_WINDOW: duration({ default: 2_000, description: 'how often delivered usage is reported to usage.events' }),
  INSTANCE_ID: optionalStr('name of this delivery instance (default: host name and pid)'),
  USAGE_JOURNAL_DIR: optionalStr("directory of the usage journal, one per instance, kept across restarts of the process (a pod volume); default: <tmpdir>/streamgate-delivery-usage-<PORT>"),
};

export type DeliveryConfig = ConfigOf<typeof deliveryEnv>;

export function loadDeliveryConfig(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  return loadConfig(deliveryEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const DELIVERY_CONFIG = Symbol('DELIVERY_CONFIG');
