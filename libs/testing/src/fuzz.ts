import type { Parameters } from 'fast-check';

export interface FuzzTarget {
  runs: number;
  seed: number;
  /** fast-check parameters: the fixed (or printed random) seed, `runs` cases, stop at the first failure. */
  settings<T>(runs?: number): Parameters<T>;
}

/**
 * The fuzz targets' shared settings (issue 13): `npm test` runs each target FUZZ_RUNS times
 * (default 10,000) with a fixed seed, so a failure reproduces; `npm run fuzz` runs them longer
 * with FUZZ_SEED=random, and the seed is printed so a failure can be replayed.
 */
export function fuzzTarget(name: string, fixedSeed = 20261203): FuzzTarget {
  const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
  const seed = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? fixedSeed);
  if (process.env.FUZZ_SEED !== undefined) console.log(`${name} fuzz: seed ${seed}, ${runs} runs per target`);
  return { runs, seed, settings: <T>(n = runs): Parameters<T> => ({ numRuns: n, seed, endOnFailure: true }) };
}
