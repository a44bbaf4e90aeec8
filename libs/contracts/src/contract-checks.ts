import { ContractViolation, ContractViolationCode } from './contract-violation';
import { isIsoTimestamp, isJsonObject } from './envelope';
import type { JsonObject } from './envelope';

/** A field's test and what it expects, for the message (`id must be a non-empty string`). */
export type FieldCheck = readonly [test: (value: unknown) => boolean, expected: string];

/** The field checks of a payload type: every field of T must be listed, so a new field breaks the compiler here too. */
export type FieldChecks<T> = { readonly [K in keyof T]-?: FieldCheck };

const isString = (v: unknown): v is string => typeof v === 'string';

export const check = {
  string: [isString, 'a string'],
  nonEmpty: [(v) => isString(v) && v !== '', 'a non-empty string'],
  stringOrNull: [(v) => v === null || isString(v), 'a string or null'],
  boolean: [(v) => typeof v === 'boolean', 'a boolean'],
  count: [(v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a non-negative integer'],
  timestamp: [isIsoTimestamp, 'an ISO-8601 timestamp'],
  object: [isJsonObject, 'a JSON object'],
  stringArray: [(v) => Array.isArray(v) && v.every(isString), 'an array of strings'],
  oneOf: (...values: readonly unknown[]): FieldCheck => [(v) => values.includes(v), `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`],
  optional: ([test, expected]: FieldCheck): FieldCheck => [(v) => v === undefined || test(v), `${expected} when present`],
  orNull: ([test, expected]: FieldCheck): FieldCheck => [(v) => v === null || test(v), `${expected} or null`],
  objectOf: (fields: Record<string, FieldCheck>, name: string): FieldCheck => [(v) => isJsonObject(v) && problemsOf(v, fields).length === 0, name],
} satisfies Record<string, FieldCheck | ((...args: never[]) => FieldCheck)>;

function problemsOf(value: JsonObject, fields: Record<string, FieldCheck>): string[] {
  const problems: string[] = [];
  for (const [name, [test, expected]] of Object.entries(fields)) if (!test(value[name])) problems.push(`${name} must be ${expected}`);
  return problems;
}

/** Checks an object's fields, naming every problem; fields not listed pass through untouched. */
export function checkFields<T>(contract: string, value: unknown, fields: FieldChecks<T>): T {
  if (!isJsonObject(value)) throw new ContractViolation(contract, 'not a JSON object');
  const problems = problemsOf(value, fields as Record<string, FieldCheck>);
  if (problems.length > 0) throw new ContractViolation(contract, problems.join('; '));
  return value as T;
}

/** The JSON of a message value; a missing value or bad text is a coded ContractViolation. */
export function readJson(contract: string, value: Buffer | string | null | undefined): unknown {
  if (value === null || value === undefined) throw new ContractViolation(contract, 'no value', ContractViolationCode.MissingValue);
  try {
    return JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new ContractViolation(contract, `not JSON: ${(error as Error).message}`, ContractViolationCode.InvalidJson);
  }
}
