// Value helpers shared by the compiled closures. None of them throws, whatever the input.

const hasOwn = Object.prototype.hasOwnProperty;
const isEnumerable = Object.prototype.propertyIsEnumerable;

/** Own property of an object or array, `null` when missing, inherited or undefined. */
export function child(value: unknown, key: string | number): unknown {
  if (typeof value !== 'object' || value === null || !hasOwn.call(value, key)) return null;
  const next = (value as Record<string | number, unknown>)[key];
  return next === undefined ? null : next;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

// Past this many compared pairs, remember visited pairs so that cyclic values terminate.
const CYCLE_CHECK_AFTER = 1000;

/**
 * Strict equality for primitives, structural equality for arrays and plain objects. Iterative, so
 * deep values cannot overflow the stack. `keyCounts` remembers how many keys the objects of `b`
 * have, for callers comparing many values with the same `b`: counting keys is linear, and
 * counting a wide `b` again for every element made `contains` quadratic.
 */
export function deepEqual(a: unknown, b: unknown, keyCounts?: WeakMap<object, number>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left: unknown[] = [a];
  const right: unknown[] = [b];
  let compared = 0;
  let seen: Map<object, Set<object>> | undefined;
  while (left.length > 0) {
    const x = left.pop();
    const y = right.pop();
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (++compared > CYCLE_CHECK_AFTER) {
      seen ??= new Map();
      let partners = seen.get(x);
      // A pair already expanded is assumed equal; any difference shows up in its first expansion.
      if (partners?.has(y)) continue;
      if (partners === undefined) seen.set(x, (partners = new Set()));
      partners.add(y);
    }
    const xIsArray = Array.isArray(x);
    if (xIsArray !== Array.isArray(y)) return false;
    if (xIsArray) {
      const xs = x as unknown[];
      const ys = y as unknown[];
      if (xs.length !== ys.length) return false;
      for (let i = 0; i < xs.length; i++) {
        left.push(xs[i]);
        right.push(ys[i]);
      }
    } else {
      const keys = Object.keys(x);
      if (keys.length !== keyCount(y, keyCounts)) return false;
      for (const key of keys) {
        if (!isEnumerable.call(y, key)) return false;
        left.push((x as Record<string, unknown>)[key]);
        right.push((y as Record<string, unknown>)[key]);
      }
    }
  }
  return true;
}

function keyCount(value: object, keyCounts: WeakMap<object, number> | undefined): number {
  let count = keyCounts?.get(value);
  if (count === undefined) {
    count = Object.keys(value).length;
    keyCounts?.set(value, count);
  }
  return count;
}

/** Whether some element of the array deep-equals the value: linear in the array's and the value's sizes. */
export function includesDeep(array: readonly unknown[], value: unknown): boolean {
  if (typeof value !== 'object' || value === null) {
    for (let i = 0; i < array.length; i++) if (array[i] === value) return true;
    return false;
  }
  const keyCounts = new WeakMap<object, number>();
  for (let i = 0; i < array.length; i++) if (deepEqual(array[i], value, keyCounts)) return true;
  return false;
}
