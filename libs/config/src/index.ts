export { loadConfig, ConfigError } from './env-spec';
export type { EnvVar, EnvSpec, ConfigOf } from './env-spec';
export { str, optionalStr, int, port, bool, oneOf, optionalOneOf, hostList, duration, parseDuration, url, optionalUrl } from './env-vars';
export { kafkaEnv, checkKafkaEnv, databaseEnv, httpEnv, checkHttpEnv, adminEnv, SASL_MECHANISMS } from './common-env';
export type { KafkaEnv, DatabaseEnv, HttpEnv } from './common-env';
