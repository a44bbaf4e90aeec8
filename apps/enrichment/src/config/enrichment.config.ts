import { checkHttpEnv, checkKafkaEnv, httpEnv, kafkaEnv, loadConfig, recordLimitsEnv, secret } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const enrichmentEnv = {
  ...kafkaEnv,
  ...httpEnv(DEFAULT_PORTS.enrichment),
  // A foreign producer can write to records.validated: its Envelopes are checked like ingest's records.
  ...recordLimitsEnv,
  // Required even before a stream hashes: a keyless (or guessable) HMAC of a name or an id is
  // reversed by hashing guesses, so hash redaction never runs without a real key.
  REDACT_HASH_KEY: secret({ minLength: 32, description: 'HMAC key of redact steps in hash mode, at least 32 characters' }),
};

export type EnrichmentConfig = ConfigOf<typeof enrichmentEnv>;

export function loadEnrichmentConfig(env: NodeJS.ProcessEnv = process.env): EnrichmentConfig {
  return loadConfig(enrichmentEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const ENRICHMENT_CONFIG = Symbol('ENRICHMENT_CONFIG');
