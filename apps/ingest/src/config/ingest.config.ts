import { checkHttpEnv, checkKafkaEnv, duration, httpEnv, int, kafkaEnv, loadConfig } from '@streamgate/config';
import type { ConfigOf } from '@streamgate/config';
import { DEFAULT_PORTS } from '@streamgate/contracts';

const ingestEnv = {
  ...kafkaEnv,
  ...httpEnv(DEFAULT_PORTS.ingest),
  MAX_RECORD_BYTES: int({ default: 1024 * 1024, min: 1, description: 'largest accepted record, in bytes' }),
  SOURCE_DISCOVERY_INTERVAL: duration({ default: 2_000, description: 'how often new source topics are looked for' }),
};

export type IngestConfig = ConfigOf<typeof ingestEnv>;

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return loadConfig(ingestEnv, env, [checkKafkaEnv, checkHttpEnv]);
}

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');
