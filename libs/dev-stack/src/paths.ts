import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The workspace root (the folder holding nx.json), from source or from dist/. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Git-ignored folder for local service data (.local/) and downloaded artifacts (.cache/). */
export function localDir(...parts: string[]): string {
  return join(repoRoot(), '.local', ...parts);
}

export function cacheDir(...parts: string[]): string {
  return join(repoRoot(), '.cache', ...parts);
}
