import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import type { KafkaEnv } from '@streamgate/config';
import { applyKafkajsFixes, noDelaySocketFactory } from './kafkajs-fixes';

/** A kafkajs client from the validated environment (brokers, TLS, SASL). */
export function createKafka(env: KafkaEnv, clientId: string): Kafka {
  applyKafkajsFixes();
  return new Kafka(kafkaClientConfig(env, clientId));
}

export function kafkaClientConfig(env: KafkaEnv, clientId: string): KafkaConfig {
  return {
    clientId,
    brokers: [...env.KAFKA_BROKERS],
    ssl: env.KAFKA_SSL,
    sasl: saslOptions(env),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: jsonLogCreator,
    socketFactory: noDelaySocketFactory,
  };
}

function saslOptions(env: KafkaEnv): SASLOptions | undefined {
  if (!env.KAFKA_SASL_MECHANISM) return undefined;
  // loadConfig's checkKafkaEnv guarantees both are present with a mechanism.
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  switch (env.KAFKA_SASL_MECHANISM) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

const LEVELS: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

// kafkajs logs in the same one-JSON-object-per-line shape as the apps.
function jsonLogCreator() {
  return ({ level, log, namespace }: LogEntry) => {
    const { message, timestamp: _timestamp, logger: _logger, ...rest } = log;
    process.stdout.write(
      `${JSON.stringify({ level: LEVELS[level] ?? 'log', time: new Date().toISOString(), context: `kafkajs.${namespace}`, msg: message, ...rest })}\n`,
    );
  };
}
