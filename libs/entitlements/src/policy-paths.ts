import { MASKED_VALUE } from '@streamgate/contracts';
import type { JsonObject } from '@streamgate/contracts';
import { parsePath } from '@streamgate/streams';
import type { RecordRoots } from '@streamgate/streams';

type Root = keyof RecordRoots;

/*
 * Entitlement paths, array-aware and fail-closed. Unlike the enrichment accessors
 * (libs/streams compilePath), a segment applies to every element of an array it meets (nested
 * arrays too), and a path that cannot be followed hides what it meets instead of skipping it.
 * Both functions copy on write: the record is shared by every delivery group.
 */

/** A set of paths as a tree; `true` marks the end of a path (the whole value below it). */
type PathTree = Map<string, PathTree | true>;

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function treeOf(paths: string[]): Record<Root, PathTree | undefined> {
  const roots: Record<Root, PathTree | undefined> = { data: undefined, meta: undefined };
  for (const path of paths) {
    const parsed = parsePath(path);
    if (!parsed) throw new Error(`invalid path ${JSON.stringify(path)}: paths start with data. or meta.`);
    let node = (roots[parsed.root] ??= new Map());
    const last = parsed.segments.length - 1;
    for (let i = 0; i <= last; i++) {
      const segment = parsed.segments[i] as string;
      const next = node.get(segment);
      if (i === last) node.set(segment, true);
      else if (next === true) break; // a shorter path already covers the whole value
      else if (next === undefined) node.set(segment, (node = new Map()));
      else node = next;
    }
  }
  return roots;
}

/** Keeps only the listed paths. Primitives met where a path expects an object are left out. */
export function compileProjection(paths: string[]): (record: RecordRoots) => RecordRoots {
  const roots = treeOf(paths);
  return (record) => ({
    data: roots.data ? projectObject(record.data, roots.data) : {},
    meta: roots.meta ? projectObject(record.meta, roots.meta) : {},
  });
}

function projectObject(value: JsonObject, tree: PathTree): JsonObject {
  const out: JsonObject = {};
  for (const [segment, sub] of tree) {
    if (!own(value, segment)) continue;
    const child = value[segment];
    if (sub === true) out[segment] = child;
    else {
      const projected = project(child, sub);
      // An object holding none of the listed paths is left out, as a missing path is.
      if (projected !== undefined && !(isObject(projected) && Object.keys(projected).length === 0)) out[segment] = projected;
    }
  }
  return out;
}

function project(value: unknown, tree: PathTree): unknown {
  if (Array.isArray(value)) return value.map((element) => project(element, tree)).filter((e) => e !== undefined);
  if (isObject(value)) return projectObject(value, tree);
  return undefined;
}

/**
 * Replaces the values at the given paths with "***", keeping their keys: an object or array
 * there is replaced whole, and a primitive met where the path expects an object is masked
 * too (it may be what the path meant to hide). Missing paths change nothing.
 */
export function compileMasking(paths: string[]): (record: RecordRoots) => RecordRoots {
  const roots = treeOf(paths);
  return (record) => ({
    data: roots.data ? (mask(record.data, roots.data) as JsonObject) : record.data,
    meta: roots.meta ? (mask(record.meta, roots.meta) as JsonObject) : record.meta,
  });
}

function mask(value: unknown, tree: PathTree): unknown {
  if (Array.isArray(value)) {
    const masked = value.map((element) => mask(element, tree));
    return masked.some((m, i) => m !== value[i]) ? masked : value;
  }
  if (!isObject(value)) return MASKED_VALUE;
  let out: JsonObject | undefined;
  for (const [segment, sub] of tree) {
    if (!own(value, segment)) continue;
    const child = value[segment];
    const masked = sub === true ? MASKED_VALUE : mask(child, sub);
    if (masked === child) continue;
    out ??= { ...value };
    out[segment] = masked;
  }
  return out ?? value;
}
