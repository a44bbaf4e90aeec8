import { checkHttpEnv, checkKafkaEnv, httpEnv, kafkaEnv, loadConfig, str } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const enrichmentEnv = {
  ...kafkaEnv,
  ...httpEnv(DEFAULT_PORTS.enrichment),
  REDACT_HASH_KEY: str({ default: '', description: 'HMAC key of redact steps in hash mode (empty: plain keyless HMAC)' }),
};

export type EnrichmentConfig = ConfigOf<typeof enrichmentEnv>;

export function loadEnrichmentConfig(env: NodeJS.ProcessEnv = process.env): EnrichmentConfig {
  return loadConfig(enrichmentEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const ENRICHMENT_CONFIG = Symbol('ENRICHMENT_CONFIG');
