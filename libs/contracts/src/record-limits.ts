import { DlqReason } from './dlq';

/**
 * Structural bounds of a record's JSON. Serializing, cloning and schema validation recurse
 * once per level, so a small record nested thousands of levels deep overflows the stack; wide
 * objects and long arrays make every later step slow. They are checked first, without recursion.
 */
export interface RecordLimits {
  /** Objects and arrays on the deepest path; the record's top-level object is level 1. */
  maxDepth: number;
  /** Fields of any one object. */
  maxFields: number;
  /** Elements of any one array. */
  maxArrayLength: number;
}

export interface StructureProblem {
  reason: typeof DlqReason.TooDeep | typeof DlqReason.TooManyFields | typeof DlqReason.ArrayTooLong | typeof DlqReason.InvalidJson;
  detail: string;
}

type Problem = StructureProblem['reason'];

/** Where a walk stopped: the container, or the parent of the value at `key`, by trail index. */
interface Stop {
  problem: Problem;
  at: number;
  key?: string | number;
}

/**
 * The first structural problem of a parsed JSON value, or undefined. Iterative (an explicit
 * stack), so the check itself cannot overflow; it stops at the first container over a limit.
 * Numbers must be finite: JSON.parse turns 1e400 into Infinity, which would be written as null.
 * The hot path keeps no parents; only a refused record is walked again to name the place.
 */
export function checkRecordStructure(value: unknown, limits: RecordLimits): StructureProblem | undefined {
  if (walk(value, limits, undefined) === undefined) return undefined;
  const trail: Trail = { values: [], parents: [], keys: [] };
  const stop = walk(value, limits, trail) as Stop;
  const at = pointer(trail, stop.at, stop.key);
  switch (stop.problem) {
    case DlqReason.TooDeep:
      return { reason: stop.problem, detail: `nesting deeper than ${limits.maxDepth} levels at ${at}` };
    case DlqReason.TooManyFields:
      return { reason: stop.problem, detail: `object at ${at} has more than ${limits.maxFields} fields` };
    case DlqReason.ArrayTooLong:
      return { reason: stop.problem, detail: `array at ${at} has ${(trail.values[stop.at] as unknown[]).length} elements, more than ${limits.maxArrayLength}` };
    default:
      return { reason: stop.problem, detail: `number out of range at ${at}` };
  }
}

/** Every container a walk pushed, with its parent's index and its key there (for the pointer). */
interface Trail {
  values: object[];
  parents: number[];
  keys: Array<string | number>;
}

// Arrays by index and objects by Object.keys (for...in is several times slower on the wide
// objects JSON.parse builds in dictionary mode); the same order in both walks.
function walk(root: unknown, limits: RecordLimits, trail: Trail | undefined): Stop | undefined {
  if (typeof root !== 'object' || root === null) return typeof root === 'number' && !Number.isFinite(root) ? { problem: DlqReason.InvalidJson, at: -1 } : undefined;
  if (limits.maxDepth < 1) return { problem: DlqReason.TooDeep, at: -1 };
  const stack: object[] = [root];
  const depths: number[] = [1];
  const indices: number[] = [0];
  trail?.values.push(root);
  trail?.parents.push(-1);
  trail?.keys.push('');
  while (stack.length > 0) {
    const container = stack.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop() as number;
    const at = indices.pop() as number;
    const array = Array.isArray(container);
    const keys = array ? undefined : Object.keys(container);
    const length = keys ? keys.length : (container as unknown[]).length;
    if (keys && length > limits.maxFields) return { problem: DlqReason.TooManyFields, at };
    if (!keys && length > limits.maxArrayLength) return { problem: DlqReason.ArrayTooLong, at };
    for (let i = 0; i < length; i++) {
      const key = keys ? (keys[i] as string) : i;
      const child = (container as Record<string | number, unknown>)[key];
      if (typeof child === 'object' && child !== null) {
        if (depth >= limits.maxDepth) return { problem: DlqReason.TooDeep, at, key };
        stack.push(child);
        depths.push(depth + 1);
        indices.push(trail ? trail.values.length : 0);
        trail?.values.push(child);
        trail?.parents.push(at);
        trail?.keys.push(key);
      } else if (typeof child === 'number' && !Number.isFinite(child)) {
        return { problem: DlqReason.InvalidJson, at, key };
      }
    }
  }
  return undefined;
}

const MAX_POINTER_CHARS = 200;
const MAX_SEGMENT_CHARS = 40;

/** JSON Pointer of a container (and a key in it), as Ajv reports paths, shortened: it goes into a bounded detail. */
function pointer(trail: Trail, at: number, key: string | number | undefined): string {
  const segments: string[] = [];
  if (key !== undefined) segments.push(segment(key));
  for (let i = at; i > 0; i = trail.parents[i] as number) segments.push(segment(trail.keys[i] as string | number));
  const path = `/${segments.reverse().join('/')}`;
  return path.length > MAX_POINTER_CHARS ? `${path.slice(0, MAX_POINTER_CHARS)}…` : path;
}

function segment(key: string | number): string {
  const text = String(key);
  const escaped = text.slice(0, MAX_SEGMENT_CHARS).replace(/~/g, '~0').replace(/\//g, '~1');
  return text.length > MAX_SEGMENT_CHARS ? `${escaped}…` : escaped;
}
