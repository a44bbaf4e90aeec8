import type { JsonObject } from '@streamgate/contracts';

/** A record as enrichment steps see it: the Envelope's two writable roots. */
export interface RecordRoots {
  data: JsonObject;
  meta: JsonObject;
}

export type Root = keyof RecordRoots;

/** `data.a.b` → { root: 'data', segments: ['a', 'b'] }; undefined when not a data./meta. path. */
export function parsePath(path: string): { root: Root; segments: string[] } | undefined {
  const parts = path.split('.');
  const root = parts[0];
  if ((root !== 'data' && root !== 'meta') || parts.length < 2) return undefined;
  const segments = parts.slice(1);
  if (segments.some((s) => !/^[A-Za-z0-9_-]+$/.test(s) || s === '__proto__' || s === 'constructor' || s === 'prototype')) return undefined;
  return { root, segments };
}

export function isValidPath(path: unknown): path is string {
  return typeof path === 'string' && path.length <= 256 && parsePath(path) !== undefined;
}

export type PathAccess = {
  get(record: RecordRoots): unknown;
  set(record: RecordRoots, value: unknown): void;
  remove(record: RecordRoots): void;
  root: Root;
  segments: string[];
};

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Compiles a path once into accessors (missing → undefined; `set` creates objects on the way). */
export function compilePath(path: string): PathAccess {
  const parsed = parsePath(path);
  if (!parsed) throw new Error(`invalid path ${JSON.stringify(path)}: paths start with data. or meta.`);
  const { root, segments } = parsed;
  const last = segments[segments.length - 1] as string;
  const parent = (record: RecordRoots, create: boolean): JsonObject | undefined => {
    let node: JsonObject = record[root];
    for (const segment of segments.slice(0, -1)) {
      const next = own(node, segment) ? node[segment] : undefined;
      if (isObject(next)) node = next;
      else if (create) node = node[segment] = {};
      else return undefined;
    }
    return node;
  };
  return {
    root,
    segments,
    get: (record) => {
      const node = parent(record, false);
      return node && own(node, last) ? node[last] : undefined;
    },
    set: (record, value) => {
      (parent(record, true) as JsonObject)[last] = value;
    },
    remove: (record) => {
      const node = parent(record, false);
      if (node) delete node[last];
    },
  };
}
