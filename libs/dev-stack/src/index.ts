export { ensureKafka, stopKafka, brokerAnswers, resolveBrokerJars, kafkaVersion } from './kafka-broker';
export type { BrokerOptions, RunningBroker } from './kafka-broker';
export { ensurePostgres, createDatabaseIfMissing, adminUrlOf } from './postgres';
export type { PostgresOptions, RunningPostgres } from './postgres';
export { provisionContractTopics } from './provision';
export { AppProcess } from './app-processes';
export type { AppProcessOptions } from './app-processes';
export { repoRoot, localDir, cacheDir } from './paths';
export { waitFor } from './wait';
