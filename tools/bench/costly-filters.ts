// Expressions built to be costly, and their measured time per record: shared by the
// expression-cost benchmark and the noisy-neighbour benchmark's greedy partner.
import type { CompiledFilter } from '@streamgate/expressions';

type Leaf = string | ((index: number) => string);

/** `n` leaves joined by `operator` as a balanced tree, so that a long chain stays under maxDepth. */
export function balanced(n: number, leaf: Leaf = 'data.note', operator = '+', first = 0): string {
  if (n === 1) return typeof leaf === 'string' ? leaf : leaf(first);
  const half = n >> 1;
  return `(${balanced(half, leaf, operator, first)} ${operator} ${balanced(n - half, leaf, operator, first + half)})`;
}

/** Alternatives as a balanced tree of ||. */
export const anyOf = (n: number, leaf: Leaf): string => balanced(n, leaf, '||');

/**
 * The costliest filter found that the budget accepts, for records whose `field` is a ~1 KB
 * string without "zz": a 6-way concatenation of the field searched (estimated cost 30 of 32:
 * the budget) or'ed with 120 string comparisons, which the cost model counts as nearly free but
 * which fill the node limit (493 of 500 nodes). Nothing matches, so every branch runs.
 * `variant` makes each source distinct (a distinct delivery group), at the same cost.
 * Measured at ~1 KB (µs per record): this 6–8, the concatenation alone 0.8, 31 searches or'ed 2–3,
 * 125 number comparisons 3.5–4.5, 120 string comparisons alone 6–8.
 */
export function costliestFilter(field: string, variant: number): string {
  return `${balanced(6, field)} contains "zz${variant}" || ${anyOf(120, (i) => `${field} < "a${i}"`)}`;
}

/** Median of 5 rounds (>= 50 ms each) of µs per evaluation of `filter` on `record`. */
export function microsPerRecord(filter: CompiledFilter, record: { data: unknown; meta: unknown }): number {
  const samples: number[] = [];
  let sink = 0;
  // A batch long enough (>= 1 ms) that the clock's overhead does not count, then >= 50 ms per round.
  let batch = 1;
  for (;;) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) if (filter(record)) sink++;
    if (process.hrtime.bigint() - started >= 1_000_000n) break;
    batch *= 2;
  }
  for (let round = 0; round < 5; round++) {
    let iterations = 0;
    const started = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < 50_000_000n) {
      for (let i = 0; i < batch; i++) if (filter(record)) sink++;
      iterations += batch;
      elapsed = process.hrtime.bigint() - started;
    }
    samples.push(Number(elapsed) / iterations / 1000);
  }
  if (sink < 0) process.stderr.write('!');
  return samples.sort((a, b) => a - b)[2] as number;
}

