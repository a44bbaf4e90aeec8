import { checkHttpEnv, checkKafkaEnv, httpEnv, kafkaEnv, loadConfig } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const enrichmentEnv = {
  ...kafkaEnv,
  ...httpEnv(DEFAULT_PORTS.enrichment),
};

export type EnrichmentConfig = ConfigOf<typeof enrichmentEnv>;

export function loadEnrichmentConfig(env: NodeJS.ProcessEnv = process.env): EnrichmentConfig {
  return loadConfig(enrichmentEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const ENRICHMENT_CONFIG = Symbol('ENRICHMENT_CONFIG');
