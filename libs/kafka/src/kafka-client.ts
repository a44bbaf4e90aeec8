import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import { redactSecrets } from '@streamgate/config';
import type { KafkaEnv } from '@streamgate/config';
import { applyKafkajsFixes, noDelaySocketFactory } from './kafkajs-fixes';

/** A kafkajs client from the validated environment (brokers, TLS, SASL). */
export function createKafka(env: KafkaEnv, clientId: string): Kafka {
  applyKafkajsFixes();
  return new Kafka(kafkaClientConfig(env, clientId));
}

/**
 * A client for single connection attempts: no retries and no logs of its own, so an attempt
 * fails within a connection timeout with the real reason (refused, TLS, SASL) for the caller
 * to report, instead of after kafkajs's retries (about 20 s).
 */
export function createKafkaProbe(env: KafkaEnv, clientId: string): Kafka {
  applyKafkajsFixes();
  return new Kafka({ ...kafkaClientConfig(env, clientId), retry: { retries: 0 }, logLevel: logLevel.NOTHING });
}

/** One connection attempt (TCP, TLS, SASL, metadata) with a probe client. */
export async function probeKafka(probe: Kafka): Promise<void> {
  const admin = probe.admin();
  try {
    await admin.connect();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
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
    const line = JSON.stringify({ level: LEVELS[level] ?? 'log', time: new Date().toISOString(), context: `kafkajs.${namespace}`, msg: message, ...rest });
    process.stdout.write(`${redactSecrets(line)}\n`);
  };
}
