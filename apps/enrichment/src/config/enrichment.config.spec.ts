import type { ConfigError } from '@streamgate/config';
import { loadEnrichmentConfig } from './enrichment.config';

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadEnrichmentConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('enrichment configuration', () => {
  it('refuses to start without a real REDACT_HASH_KEY, so hash redaction is never keyless', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^REDACT_HASH_KEY is required/)]);
    expect(problems({ REDACT_HASH_KEY: '' })).toEqual([expect.stringMatching(/^REDACT_HASH_KEY is required/)]);
    expect(problems({ REDACT_HASH_KEY: 'e2e-redact-key' })).toEqual(['REDACT_HASH_KEY=<redacted> is invalid: must be at least 32 characters']);
    expect(problems({ REDACT_HASH_KEY: 'change-me-redact-hash-key-0123456789' })).toEqual([expect.stringMatching(/^REDACT_HASH_KEY=<redacted> is invalid: looks like a placeholder/)]);
  });

  it('starts with a random key of 32 characters or more', () => {
    expect(loadEnrichmentConfig({ REDACT_HASH_KEY: 'Zq3v9Lr0Xk2mW8pT5yB1nC7dF4gH6jK0' }).REDACT_HASH_KEY).toHaveLength(32);
  });

  it('reads the structural limits of records, with defaults, and names bad ones', () => {
    const key = { REDACT_HASH_KEY: 'Zq3v9Lr0Xk2mW8pT5yB1nC7dF4gH6jK0' };
    expect(loadEnrichmentConfig(key)).toMatchObject({ MAX_RECORD_DEPTH: 64, MAX_OBJECT_FIELDS: 1_000, MAX_ARRAY_LENGTH: 10_000 });
    expect(loadEnrichmentConfig({ ...key, MAX_RECORD_DEPTH: '16', MAX_OBJECT_FIELDS: '50', MAX_ARRAY_LENGTH: '100' })).toMatchObject({ MAX_RECORD_DEPTH: 16, MAX_OBJECT_FIELDS: 50, MAX_ARRAY_LENGTH: 100 });
    expect(problems({ ...key, MAX_RECORD_DEPTH: '5000', MAX_OBJECT_FIELDS: '0', MAX_ARRAY_LENGTH: 'lots' })).toEqual([
      'MAX_RECORD_DEPTH="5000" is invalid: must be <= 1000',
      'MAX_OBJECT_FIELDS="0" is invalid: must be >= 1',
      'MAX_ARRAY_LENGTH="lots" is invalid: must be an integer',
    ]);
  });
});
