import type { ConfigOf } from './env-spec';
import { bool, hostList, optionalOneOf, optionalStr, port, str, url } from './env-vars';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** Kafka connection variables shared by every app. */
export const kafkaEnv = {
  KAFKA_BROKERS: hostList({ default: ['127.0.0.1:9092'], description: 'comma-separated host:port list' }),
  KAFKA_SSL: bool({ default: false, description: 'connect with TLS' }),
  KAFKA_SASL_MECHANISM: optionalOneOf(SASL_MECHANISMS, 'SASL mechanism'),
  KAFKA_SASL_USERNAME: optionalStr('SASL user name'),
  KAFKA_SASL_PASSWORD: optionalStr('SASL password'),
  TOPIC_PREFIX: str({ default: '', pattern: /^[a-zA-Z0-9._-]*$/, description: 'prefix for every topic name' }),
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
    TLS_KEY: optionalStr('path to the PEM private key of TLS_CERT'),
  };
}
export type HttpEnv = ConfigOf<ReturnType<typeof httpEnv>>;

export function checkHttpEnv(config: HttpEnv): string[] {
  return Boolean(config.TLS_CERT) === Boolean(config.TLS_KEY) ? [] : ['TLS_CERT and TLS_KEY go together'];
}

export const adminEnv = {
  ADMIN_TOKEN: str({ minLength: 16, description: 'bearer token of the admin API (at least 16 characters)' }),
};
