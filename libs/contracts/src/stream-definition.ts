import { ContractViolation } from './contract-violation';
import { check, checkFields } from './contract-checks';
import type { FieldCheck, FieldChecks } from './contract-checks';
import { isJsonObject } from './envelope';
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

const ON_ERROR: FieldCheck = check.optional([(v) => v === 'skip' || v === 'dlq' || (isJsonObject(v) && 'default' in v), '"skip", "dlq" or { default }']);
const STEPS: { [Op in EnrichStep['op']]: FieldChecks<Extract<EnrichStep, { op: Op }>> } = {
  lookup: { op: check.oneOf('lookup'), table: check.nonEmpty, key: check.nonEmpty, into: check.nonEmpty, onError: ON_ERROR },
  derive: { op: check.oneOf('derive'), into: check.nonEmpty, expr: check.string, onError: ON_ERROR },
  redact: { op: check.oneOf('redact'), paths: check.stringArray, mode: check.optional(check.oneOf('remove', 'hash')), onError: ON_ERROR },
  pick: { op: check.oneOf('pick'), paths: check.stringArray, onError: ON_ERROR },
};

const STREAM_DEFINITION: FieldChecks<StreamDefinition> = {
  name: check.nonEmpty,
  schema: check.optional(check.object),
  source: check.objectOf({ topic: check.nonEmpty }, '{ topic: a non-empty string }'),
  // Each step is checked below, so a problem names its index.
  enrich: [Array.isArray, 'an array of steps'],
  version: check.count,
  updatedAt: check.timestamp,
};

/** Checks a control.streams value, each enrichment step included (the full rules of a step live in libs/streams). */
export function parseStreamDefinition(value: unknown): StreamDefinition {
  const definition = checkFields('stream definition', value, STREAM_DEFINITION);
  definition.enrich.forEach((step: unknown, i) => {
    const op = isJsonObject(step) ? step.op : undefined;
    if (typeof op !== 'string' || !(op in STEPS)) throw new ContractViolation('stream definition', `enrich[${i}].op must be one of ${ENRICH_OPS.join(', ')}`);
    checkFields(`stream definition: enrich[${i}]`, step, STEPS[op as EnrichStep['op']] as FieldChecks<unknown>);
  });
  return definition;
}

const REFERENCE_ROW: FieldChecks<ReferenceRow> = { table: check.nonEmpty, key: check.nonEmpty, row: check.object };

/** Checks a control.reference value. */
export function parseReferenceRow(value: unknown): ReferenceRow {
  return checkFields('reference row', value, REFERENCE_ROW);
}
