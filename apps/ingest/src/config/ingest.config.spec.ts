import type { ConfigError } from '@streamgate/config';
import { loadIngestConfig } from './ingest.config';

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadIngestConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('ingest configuration', () => {
  it('bounds the dedupe window in bytes, 128 MiB by default, and refuses the old id cap by name', () => {
    expect(loadIngestConfig({}).DEDUPE_WINDOW_BYTES).toBe(128 * 1024 * 1024);
    expect(loadIngestConfig({ DEDUPE_WINDOW_BYTES: '0' }).DEDUPE_WINDOW_BYTES).toBe(0);
    expect(problems({ DEDUPE_MAX_IDS: '1000000', DEDUPE_WINDOW_BYTES: String(2 * 1024 ** 3) })).toEqual([
      'DEDUPE_WINDOW_BYTES="2147483648" is invalid: must be <= 1073741824',
      'DEDUPE_MAX_IDS="1000000" is invalid: replaced by DEDUPE_WINDOW_BYTES: the dedupe window is bounded in bytes, not ids',
    ]);
  });

  it('reads the structural limits of records', () => {
    expect(loadIngestConfig({})).toMatchObject({ MAX_RECORD_DEPTH: 64, MAX_OBJECT_FIELDS: 1_000, MAX_ARRAY_LENGTH: 10_000 });
    expect(problems({ MAX_RECORD_DEPTH: '0' })).toEqual(['MAX_RECORD_DEPTH="0" is invalid: must be >= 1']);
  });
});
