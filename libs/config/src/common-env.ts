import type { ConfigOf } from './env-spec';
import { bool, cidrList, duration, hostList, int, optionalOneOf, optionalStr, port, secret, str, url } from './env-vars';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** Kafka connection variables shared by every app. */
export const kafkaEnv = {
  KAFKA_BROKERS: hostList({ default: ['127.0.0.1:9092'], description: 'comma-separated host:port list' }),
  KAFKA_SSL: bool({ default: false, description: 'connect with TLS' }),
  KAFKA_SASL_MECHANISM: optionalOneOf(SASL_MECHANISMS, 'SASL mechanism'),
  KAFKA_SASL_USERNAME: optionalStr('SASL user name'),
  KAFKA_SASL_PASSWORD: optionalStr('SASL password'),
  TOPIC_PREFIX: str({ default: '', pattern: /^[a-zA-Z0-9._-]*$/, description: 'prefix for every topic name' }),
  KAFKA_TRANSACTION_INTERVAL: duration({ default: 20, description: 'how long a transactional consumer (ingest, enrichment) lets records gather before a fetch, so each partition commits at most about this often' }),
};
export type KafkaEnv = ConfigOf<typeof kafkaEnv>;

export function checkKafkaEnv(config: KafkaEnv): string[] {
  if (config.KAFKA_SASL_MECHANISM && (!config.KAFKA_SASL_USERNAME || !config.KAFKA_SASL_PASSWORD)) {
    return ['KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM'];
  }
  return [];
}

export const databaseEnv = {
  DATABASE_URL: url({ protocols: ['postgres:', 'postgresql:'], description: 'PostgreSQL connection URL' }),
};
export type DatabaseEnv = ConfigOf<typeof databaseEnv>;

export function httpEnv(defaultPort: number) {
  return {
    PORT: port(defaultPort),
    TLS_CERT: optionalStr('path to a PEM certificate: serve HTTPS/WSS directly'),
    // A path, not the key: named in errors like any other path.
    TLS_KEY: { ...optionalStr('path to the PEM private key of TLS_CERT'), sensitive: false },
    TRUSTED_PROXIES: cidrList({
      default: [],
      description: 'proxies whose X-Forwarded-For names the client: CIDRs, addresses, loopback, linklocal, uniquelocal (empty: the TCP peer is the client)',
    }),
  };
}
export type HttpEnv = ConfigOf<ReturnType<typeof httpEnv>>;

export function checkHttpEnv(config: HttpEnv): string[] {
  return Boolean(config.TLS_CERT) === Boolean(config.TLS_KEY) ? [] : ['TLS_CERT and TLS_KEY go together'];
}

export const adminEnv = {
  ADMIN_TOKEN: secret({ minLength: 16, description: 'bearer token of the admin API (at least 16 characters, not a published default)' }),
};

/**
 * Structural limits of a record's data (ingest and enrichment), checked before any recursive
 * work; a record over one is dead-lettered (TOO_DEEP, TOO_MANY_FIELDS, ARRAY_TOO_LONG). The
 * depth is capped well below what serializing and cloning survive on Node's default stack.
 */
export const recordLimitsEnv = {
  MAX_RECORD_DEPTH: int({ default: 64, min: 1, max: 1_000, description: 'nesting levels of a record (objects and arrays), the record itself being level 1' }),
  MAX_OBJECT_FIELDS: int({ default: 1_000, min: 1, description: 'fields of any one object in a record' }),
  MAX_ARRAY_LENGTH: int({ default: 10_000, min: 1, description: 'elements of any one array in a record' }),
};
export type RecordLimitsEnv = ConfigOf<typeof recordLimitsEnv>;

/** The limits in the form of `checkRecordStructure` (libs/contracts). */
export function recordLimitsOf(config: RecordLimitsEnv): { maxDepth: number; maxFields: number; maxArrayLength: number } {
  return { maxDepth: config.MAX_RECORD_DEPTH, maxFields: config.MAX_OBJECT_FIELDS, maxArrayLength: config.MAX_ARRAY_LENGTH };
}
