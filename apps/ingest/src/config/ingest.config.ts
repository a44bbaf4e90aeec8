import { checkHttpEnv, checkKafkaEnv, duration, forbidden, httpEnv, int, kafkaEnv, loadConfig, recordLimitsEnv } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const ingestEnv = {
  ...kafkaEnv,
  ...httpEnv(DEFAULT_PORTS.ingest),
  MAX_RECORD_BYTES: int({ default: 1024 * 1024, min: 1, description: 'largest accepted record, in bytes' }),
  ...recordLimitsEnv,
  DEDUPE_WINDOW: duration({ default: 10 * 60_000, description: 'how long a producer id is remembered per stream' }),
  // ~128 MiB of a 384 MiB heap (k8s/ingest.yaml): ~350,000 ids of 256 characters, ~1,000,000 short ones.
  DEDUPE_WINDOW_BYTES: int({ default: 128 * 1024 * 1024, min: 0, max: 1024 * 1024 * 1024, description: 'heap bytes the remembered ids may take (oldest forgotten first)' }),
  DEDUPE_MAX_IDS: forbidden('replaced by DEDUPE_WINDOW_BYTES: the dedupe window is bounded in bytes, not ids'),
  AUTH_FAILURES_PER_MINUTE: int({ default: 10, min: 1, description: 'failed authentications per client address and minute before 429' }),
  SOURCE_DISCOVERY_INTERVAL: duration({ default: 5_000, description: 'how often ingest.* topics of undefined streams are looked for' }),
};

export type IngestConfig = ConfigOf<typeof ingestEnv>;

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return loadConfig(ingestEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

/** HTTP publish limits of the contract. */
export const PUBLISH_LIMITS = { maxRecords: 500, maxBodyBytes: 5 * 1024 * 1024 };
