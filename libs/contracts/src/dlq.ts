/** Machine codes in the `reason` header of `records.dlq`. */
export const DlqReason = {
  InvalidJson: 'INVALID_JSON',
  SchemaViolation: 'SCHEMA_VIOLATION',
  TooLarge: 'TOO_LARGE',
  UnknownStream: 'UNKNOWN_STREAM',
  BadHeader: 'BAD_HEADER',
  BadEnvelope: 'BAD_ENVELOPE',
  EnrichmentFailed: 'ENRICHMENT_FAILED',
  // Structural limits (record-limits.ts), checked before any recursive work on the data.
  TooDeep: 'TOO_DEEP',
  TooManyFields: 'TOO_MANY_FIELDS',
  ArrayTooLong: 'ARRAY_TOO_LONG',
  /** An unexpected error in one record's step (a bug): the record is set aside, the rest goes on. */
  ProcessingFailed: 'PROCESSING_FAILED',
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

/** A dead letter on records.dlq: the source record's key and original bytes, untouched, and why. */
export interface DeadLetter {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: DlqHeaders;
}
