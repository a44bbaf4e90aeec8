import type { JsonObject } from './envelope';

/** What a step does when it cannot complete: skip the step, dead-letter the record, or use a value. */
export type OnError = 'skip' | 'dlq' | { default: unknown };

interface StepBase {
  onError?: OnError;
}

/** Joins a reference row: `into` ← row of `table` whose key is the value at `key`. */
export interface LookupStep extends StepBase {
  op: 'lookup';
  table: string;
  key: string;
  into: string;
}

/** `into` ← the value of an expression (filter language plus arithmetic and concatenation). */
export interface DeriveStep extends StepBase {
  op: 'derive';
  into: string;
  expr: string;
}

/** Removes the paths, or replaces each value by a keyed hash of it. */
export interface RedactStep extends StepBase {
  op: 'redact';
  paths: string[];
  mode?: 'remove' | 'hash';
}

/** Keeps only the listed paths (per root: `data.*` paths narrow data, `meta.*` paths narrow meta). */
export interface PickStep extends StepBase {
  op: 'pick';
  paths: string[];
}

export type EnrichStep = LookupStep | DeriveStep | RedactStep | PickStep;
export const ENRICH_OPS = ['lookup', 'derive', 'redact', 'pick'] as const;

/** A stream as the admin API accepts it (DESIGN.md §4). */
export interface StreamDefinitionInput {
  name: string;
  schema?: JsonObject;
  source?: { topic: string };
  enrich?: EnrichStep[];
}

/**
 * A stream as stored and replicated on control.streams (key: name; tombstone: deleted).
 * `source.topic` is the logical name; apps add TOPIC_PREFIX when they subscribe.
 */
export interface StreamDefinition {
  name: string;
  schema?: JsonObject;
  source: { topic: string };
  enrich: EnrichStep[];
  /** Raised on every change, so consumers can tell a new definition from a replayed one. */
  version: number;
  updatedAt: string;
}

/** A reference row on control.reference (key: `<table>/<key>`; tombstone: deleted). */
export interface ReferenceRow {
  table: string;
  key: string;
  row: JsonObject;
}

export function referenceTopicKey(table: string, key: string): string {
  return `${table}/${key}`;
}

/** Reference table names and row keys: safe in a URL path and a Kafka key. */
export const REFERENCE_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
