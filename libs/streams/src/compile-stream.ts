import { createHmac } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import type { EnrichStep, JsonObject, OnError, StreamDefinition } from '@streamgate/contracts';
import { ExpressionEvaluationError, compileExpression } from '@streamgate/expressions';
import { compilePath } from './paths';
import type { PathAccess, RecordRoots, Root } from './paths';
import type { SchemaCompiler } from './schema-compiler';

/** Reads one row of a reference table; undefined when there is none. */
export type ReferenceLookup = (table: string, key: string) => JsonObject | undefined;

export type EnrichOutcome = { ok: true } | { ok: false; step: number; detail: string };

/** A stream definition compiled once per version: schema validator and step program. */
export interface CompiledStream {
  definition: StreamDefinition;
  /** undefined when the data is valid; else the failing path and what is wrong. */
  validate(data: unknown): string | undefined;
  /** Runs the steps in order on the record's roots (in place). */
  enrich(record: RecordRoots, lookup: ReferenceLookup): EnrichOutcome;
}

export interface CompileOptions {
  /** The schema compiler (`createSchemaCompiler()`); each compiled version holds its own Ajv instance. */
  ajv: SchemaCompiler;
  /** Key of the `redact` step's `hash` mode (HMAC-SHA256), so hashes cannot be reversed by guessing. */
  hashKey: string;
}

type StepRun = (record: RecordRoots, lookup: ReferenceLookup) => void;

class StepFailure extends Error {}

export function compileStream(definition: StreamDefinition, options: CompileOptions): CompiledStream {
  const validate = definition.schema ? compileSchema(definition.schema, options.ajv) : () => undefined;
  const steps = definition.enrich.map((step) => compileStep(step, options));
  return {
    definition,
    validate,
    enrich(record, lookup) {
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i] as CompiledStep;
        try {
          step.run(record, lookup);
        } catch (error) {
          if (!(error instanceof StepFailure || error instanceof ExpressionEvaluationError)) throw error;
          const onError: OnError = step.onError ?? 'skip';
          if (onError === 'skip') continue;
          if (onError === 'dlq') return { ok: false, step: i, detail: `step ${i} (${step.op}): ${error.message}` };
          step.into?.set(record, structuredClone(onError.default));
        }
      }
      return { ok: true };
    },
  };
}

function compileSchema(schema: JsonObject, compiler: SchemaCompiler): (data: unknown) => string | undefined {
  const check = compiler.compile(schema);
  return (data) => (check(data) ? undefined : describe(check.errors?.[0]));
}

// One failure, with the JSON Pointer of the failing value: enough to fix the producer.
function describe(error: ErrorObject | undefined): string {
  if (!error) return 'does not match the schema';
  const params = error.keyword === 'additionalProperties' ? ` (${JSON.stringify(error.params.additionalProperty)})` : '';
  return `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${params}`;
}

interface CompiledStep {
  op: EnrichStep['op'];
  run: StepRun;
  onError?: OnError;
  /** Where `{ default }` goes, for steps that write one path. */
  into?: PathAccess;
}

function compileStep(step: EnrichStep, options: CompileOptions): CompiledStep {
  switch (step.op) {
    case 'lookup': {
      const key = compilePath(step.key);
      const into = compilePath(step.into);
      return {
        op: step.op,
        onError: step.onError,
        into,
        run: (record, lookup) => {
          const value = key.get(record);
          if (typeof value !== 'string' && typeof value !== 'number') throw new StepFailure(`${step.key} is not a string or number`);
          const row = lookup(step.table, String(value));
          if (!row) throw new StepFailure(`no row ${JSON.stringify(String(value))} in table ${step.table}`);
          into.set(record, structuredClone(row));
        },
      };
    }
    case 'derive': {
      const expr = compileExpression(step.expr);
      const into = compilePath(step.into);
      return {
        op: step.op,
        onError: step.onError,
        into,
        run: (record) => {
          const value = expr(record);
          if (value === null || value === undefined) throw new StepFailure(`${step.expr} evaluated to null`);
          into.set(record, value);
        },
      };
    }
    case 'redact': {
      const paths = step.paths.map(compilePath);
      const hash = step.mode === 'hash';
      return {
        op: step.op,
        onError: step.onError,
        run: (record) => {
          for (const path of paths) {
            if (!hash) path.remove(record);
            else {
              const value = path.get(record);
              if (value !== undefined) path.set(record, `hmac-sha256:${createHmac('sha256', options.hashKey).update(JSON.stringify(value)).digest('hex')}`);
            }
          }
        },
      };
    }
    case 'pick': {
      const byRoot = new Map<Root, PathAccess[]>();
      for (const path of step.paths.map(compilePath)) byRoot.set(path.root, [...(byRoot.get(path.root) ?? []), path]);
      return {
        op: step.op,
        onError: step.onError,
        run: (record) => {
          for (const [root, paths] of byRoot) {
            const kept: RecordRoots = { data: {}, meta: {} };
            for (const path of paths) {
              const value = path.get(record);
              if (value !== undefined) path.set(kept, value);
            }
            record[root] = kept[root];
          }
        },
      };
    }
  }
}
