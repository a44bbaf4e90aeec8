import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isJsonObject } from '@streamgate/contracts';
import type { JsonObject } from '@streamgate/contracts';
import { UnsupportedPatternError, compileLinearRegExp, linearRegExpEngine } from './linear-regexp';

/** One reason a schema is refused, with where it is (`schema.properties.code.pattern`). */
export interface SchemaProblem {
  path: string;
  message: string;
}

export class SchemaRefusedError extends Error {
  constructor(readonly problems: SchemaProblem[]) {
    // Each message already names its place (a pattern's message its path and the pattern).
    super(problems.map((p) => p.message).join('; '));
    this.name = 'SchemaRefusedError';
  }
}

export type SchemaValidator = ValidateFunction & { errors?: ErrorObject[] | null };

/**
 * Compiles stream schemas, each in an Ajv instance of its own: a shared instance keeps every
 * schema it compiled (cache keyed by schema object, `$id` registry, code scope), so it grew with
 * each stream version and refused a second version with the same `$id` until restart. A lean
 * instance (no meta-schema of its own) costs ~2 ms; the meta-schema check runs on one shared
 * instance, which validates schemas as data and keeps none of them.
 */
export class SchemaCompiler {
  private readonly meta = addFormats(new Ajv({ strict: false, allErrors: false }));

  /** Every reason the schema would be refused; empty when it compiles. */
  problems(schema: JsonObject, at = 'schema'): SchemaProblem[] {
    const problems = schemaPatterns(schema, at).flatMap(({ path, pattern }) => {
      try {
        compileLinearRegExp(pattern);
        return [];
      } catch (error) {
        if (!(error instanceof UnsupportedPatternError)) throw error;
        return [{ path, message: `pattern ${JSON.stringify(pattern)} at ${path} is refused: ${error.message}` }];
      }
    });
    if (problems.length > 0) return problems;
    try {
      this.compile(schema);
      return [];
    } catch (error) {
      return [{ path: at, message: `not a valid JSON Schema: ${(error as Error).message}` }];
    }
  }

  /** A validator for one schema (one stream version); throws when the schema is invalid. */
  compile(schema: JsonObject): SchemaValidator {
    if (!this.meta.validateSchema(schema)) throw new Error(this.meta.errorsText(this.meta.errors));
    const ajv = new Ajv({ strict: false, allErrors: false, messages: true, meta: false, validateSchema: false, code: { regExp: linearRegExpEngine } });
    addFormats(ajv);
    return ajv.compile(schema);
  }
}

// Keywords whose value is one schema, a list of schemas, or a map of name → schema.
const ONE = ['not', 'if', 'then', 'else', 'contains', 'additionalProperties', 'additionalItems', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'items'];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const MAP = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies'];

/**
 * Every regular expression a schema holds (`pattern` values and `patternProperties` keys), with
 * its path, found by walking schema positions only (a property named "pattern" is not one).
 * Iterative, so a deeply nested schema cannot overflow the stack here.
 */
export function schemaPatterns(schema: JsonObject, at = 'schema'): Array<{ path: string; pattern: string }> {
  const found: Array<{ path: string; pattern: string }> = [];
  const stack: Array<[unknown, string]> = [[schema, at]];
  while (stack.length > 0) {
    const [node, path] = stack.pop() as [unknown, string];
    if (!isJsonObject(node)) continue;
    if (typeof node.pattern === 'string') found.push({ path: `${path}.pattern`, pattern: node.pattern });
    if (isJsonObject(node.patternProperties)) {
      for (const key of Object.keys(node.patternProperties)) found.push({ path: `${path}.patternProperties${segment(key)}`, pattern: key });
    }
    for (const keyword of ONE) if (isJsonObject(node[keyword])) stack.push([node[keyword], `${path}.${keyword}`]);
    for (const keyword of LIST) {
      const list = node[keyword];
      if (Array.isArray(list)) list.forEach((item, i) => stack.push([item, `${path}.${keyword}[${i}]`]));
    }
    for (const keyword of MAP) {
      const map = node[keyword];
      if (isJsonObject(map)) for (const [key, value] of Object.entries(map)) stack.push([value, `${path}.${keyword}${segment(key)}`]);
    }
  }
  return found;
}

function segment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
