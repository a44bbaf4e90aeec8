/** Machine codes in the `reason` header of `records.dlq`. */
export const DlqReason = {
  InvalidJson: 'INVALID_JSON',
  SchemaViolation: 'SCHEMA_VIOLATION',
  TooLarge: 'TOO_LARGE',
  UnknownStream: 'UNKNOWN_STREAM',
  BadHeader: 'BAD_HEADER',
  BadEnvelope: 'BAD_ENVELOPE',
  EnrichmentFailed: 'ENRICHMENT_FAILED',
} as const;
export type DlqReason = (typeof DlqReason)[keyof typeof DlqReason];

/** Headers every dead letter carries (DESIGN.md §3). */
export interface DlqHeaders {
  stream: string;
  reason: DlqReason;
  detail: string;
  'source-topic': string;
  'source-partition': string;
  'source-offset': string;
}
