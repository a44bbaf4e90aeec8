export { loadConfig, ConfigError } from './env-spec';
export type { EnvVar, EnvSpec, ConfigOf } from './env-spec';
export { str, optionalStr, int, port, bool, oneOf, optionalOneOf, hostList, duration, parseDuration, url, optionalUrl, secret, parsed, forbidden, cidrList } from './env-vars';
export { KNOWN_DEFAULT_SECRETS, knownDefaultProblem, SECRET_RECIPE } from './known-defaults';
export { kafkaEnv, checkKafkaEnv, databaseEnv, httpEnv, checkHttpEnv, adminEnv, SASL_MECHANISMS, recordLimitsEnv, recordLimitsOf } from './common-env';
export type { KafkaEnv, DatabaseEnv, HttpEnv, RecordLimitsEnv } from './common-env';
export { MASK, SECRET_NAME, redactSecrets, redactUrlCredentials, redactUrlValue, rememberSecret, rememberUrlPassword } from './redact';
