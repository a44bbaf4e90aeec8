import { ENRICH_OPS, REFERENCE_NAME_PATTERN, defaultSourceTopic, isJsonObject, isValidStreamName } from '@streamgate/contracts';
import type { EnrichStep, JsonObject, OnError, StreamDefinitionInput } from '@streamgate/contracts';
import { validateExpression } from '@streamgate/expressions';
import { isValidPath } from './paths';
import { SchemaCompiler } from './schema-compiler';

/** Machine codes of a refused stream definition. */
export const DefinitionErrorCode = {
  InvalidDefinition: 'INVALID_STREAM_DEFINITION',
  InvalidName: 'INVALID_STREAM_NAME',
  InvalidSchema: 'INVALID_SCHEMA',
  InvalidSource: 'INVALID_SOURCE',
  UnknownOp: 'UNKNOWN_OP',
  InvalidStep: 'INVALID_STEP',
  InvalidExpression: 'INVALID_EXPRESSION',
} as const;
export type DefinitionErrorCode = (typeof DefinitionErrorCode)[keyof typeof DefinitionErrorCode];

export interface DefinitionProblem {
  code: DefinitionErrorCode;
  /** Where in the definition, e.g. `enrich[2].expr`. */
  path: string;
  message: string;
  /** Index of the enrichment step, for step problems. */
  step?: number;
  /** Character position inside an expression, for expression problems. */
  position?: number;
}

export class StreamDefinitionError extends Error {
  constructor(readonly problems: DefinitionProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'StreamDefinitionError';
  }

  get code(): DefinitionErrorCode {
    return this.problems[0]?.code ?? DefinitionErrorCode.InvalidDefinition;
  }
}

const TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;
const MAX_STEPS = 64;
const KNOWN_KEYS = new Set(['name', 'schema', 'source', 'enrich']);

/**
 * A JSON Schema compiler: each schema gets an Ajv instance of its own (released with it), and
 * patterns run on a linear-time engine (see schema-compiler.ts and linear-regexp.ts).
 */
export function createSchemaCompiler(): SchemaCompiler {
  return new SchemaCompiler();
}

let shared: SchemaCompiler | undefined;

/**
 * Checks a stream definition as the admin API receives it and returns it normalized (source
 * topic defaulted, steps present). Every problem is reported, each with its place; step
 * problems carry the step index, expression problems the position in the expression.
 */
export function validateStreamDefinition(input: unknown, compiler: SchemaCompiler = (shared ??= createSchemaCompiler())): Required<Pick<StreamDefinitionInput, 'name' | 'source' | 'enrich'>> & { schema?: JsonObject } {
  const problems: DefinitionProblem[] = [];
  const fail = (code: DefinitionErrorCode, path: string, message: string, extra: Partial<DefinitionProblem> = {}) =>
    problems.push({ code, path, message, ...extra });
  if (!isJsonObject(input)) throw new StreamDefinitionError([{ code: DefinitionErrorCode.InvalidDefinition, path: '', message: 'a stream definition is a JSON object' }]);

  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) fail(DefinitionErrorCode.InvalidDefinition, key, `unknown field "${key}"`);
  }
  const name = input.name;
  if (typeof name !== 'string' || !isValidStreamName(name)) {
    fail(DefinitionErrorCode.InvalidName, 'name', 'name must match ^[a-z][a-z0-9_.-]{0,62}$');
  }
  const schema = input.schema;
  if (schema !== undefined) {
    if (!isJsonObject(schema)) fail(DefinitionErrorCode.InvalidSchema, 'schema', 'schema must be a JSON Schema object');
    else for (const problem of compiler.problems(schema)) fail(DefinitionErrorCode.InvalidSchema, problem.path, problem.message);
  }
  let source: { topic: string } = { topic: defaultSourceTopic(typeof name === 'string' ? name : '') };
  if (input.source !== undefined) {
    const topic = isJsonObject(input.source) ? input.source.topic : undefined;
    if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic) || topic.startsWith('records.') || topic.startsWith('control.') || topic.startsWith('usage.')) {
      fail(DefinitionErrorCode.InvalidSource, 'source.topic', 'source.topic must be a Kafka topic name outside records.*, control.* and usage.*');
    } else source = { topic };
  }
  const enrich: EnrichStep[] = [];
  if (input.enrich !== undefined) {
    if (!Array.isArray(input.enrich)) fail(DefinitionErrorCode.InvalidStep, 'enrich', 'enrich must be an array of steps');
    else if (input.enrich.length > MAX_STEPS) fail(DefinitionErrorCode.InvalidStep, 'enrich', `at most ${MAX_STEPS} steps`);
    else input.enrich.forEach((step, index) => {
      const before = problems.length;
      checkStep(step, index, fail);
      if (problems.length === before) enrich.push(step as EnrichStep);
    });
  }
  if (problems.length > 0) throw new StreamDefinitionError(problems);
  return { name: name as string, ...(schema === undefined ? {} : { schema: schema as JsonObject }), source, enrich };
}

type Fail = (code: DefinitionErrorCode, path: string, message: string, extra?: Partial<DefinitionProblem>) => void;

const STEP_KEYS: Record<string, string[]> = {
  lookup: ['op', 'table', 'key', 'into', 'onError'],
  derive: ['op', 'into', 'expr', 'onError'],
  redact: ['op', 'paths', 'mode', 'onError'],
  pick: ['op', 'paths', 'onError'],
};

function checkStep(step: unknown, index: number, fail: Fail): void {
  const at = `enrich[${index}]`;
  const stepFail = (code: DefinitionErrorCode, field: string, message: string, extra: Partial<DefinitionProblem> = {}) =>
    fail(code, field ? `${at}.${field}` : at, `step ${index}: ${message}`, { step: index, ...extra });
  if (!isJsonObject(step)) return stepFail(DefinitionErrorCode.InvalidStep, '', 'a step is a JSON object');
  const op = step.op;
  if (typeof op !== 'string' || !(ENRICH_OPS as readonly string[]).includes(op)) {
    return stepFail(DefinitionErrorCode.UnknownOp, 'op', `unknown op ${JSON.stringify(op)}: use ${ENRICH_OPS.join(', ')}`);
  }
  for (const key of Object.keys(step)) {
    if (!STEP_KEYS[op]?.includes(key)) stepFail(DefinitionErrorCode.InvalidStep, key, `unknown field "${key}" for ${op}`);
  }
  const path = (field: string) => {
    if (!isValidPath(step[field])) stepFail(DefinitionErrorCode.InvalidStep, field, `${field} must be a path such as data.x or meta.y`);
  };
  const paths = (field: string) => {
    const value = step[field];
    if (!Array.isArray(value) || value.length === 0 || !value.every(isValidPath)) {
      stepFail(DefinitionErrorCode.InvalidStep, field, `${field} must be a non-empty array of paths such as data.x`);
    }
  };
  switch (op) {
    case 'lookup':
      if (typeof step.table !== 'string' || !REFERENCE_NAME_PATTERN.test(step.table)) {
        stepFail(DefinitionErrorCode.InvalidStep, 'table', 'table must be a reference table name');
      }
      path('key');
      path('into');
      break;
    case 'derive': {
      path('into');
      if (typeof step.expr !== 'string') stepFail(DefinitionErrorCode.InvalidExpression, 'expr', 'expr must be a string');
      else {
        const result = validateExpression(step.expr);
        if (!result.ok) stepFail(DefinitionErrorCode.InvalidExpression, 'expr', result.error.message, { position: result.error.position });
      }
      break;
    }
    case 'redact':
      paths('paths');
      if (step.mode !== undefined && step.mode !== 'remove' && step.mode !== 'hash') {
        stepFail(DefinitionErrorCode.InvalidStep, 'mode', 'mode must be "remove" or "hash"');
      }
      break;
    case 'pick':
      paths('paths');
      break;
  }
  if (step.onError !== undefined && !isOnError(step.onError)) {
    stepFail(DefinitionErrorCode.InvalidStep, 'onError', 'onError must be "skip", "dlq" or { "default": value }');
  }
}

function isOnError(value: unknown): value is OnError {
  return value === 'skip' || value === 'dlq' || (isJsonObject(value) && Object.keys(value).length === 1 && 'default' in value);
}
