// `npm run bench:entitlements`: per-record cost (ns) of the entitlement pipeline that every
// delivery path runs (row filter → projection → masking → subscriber filter), next to the
// cost of serializing the same record once (the work Socket.IO does per room anyway).
import { compilePolicy } from '@streamgate/entitlements';
import { compileFilter } from '@streamgate/expressions';

const ITERATIONS = 1_000_000;
const records = Array.from({ length: 1_000 }, (_, i) => ({
  data: { symbol: `SYM${i % 50}`, price: 50 + (i % 200), qty: 1 + (i % 10), region: i % 2 ? 'eu' : 'us', trader: `trader-${i % 40}`, side: i % 2 ? 'buy' : 'sell', venue: 'XNAS', notes: 'x'.repeat(600) },
  meta: { enrichedAt: '2026-11-28T12:00:00.000Z', tier: i % 3 ? 'gold' : 'silver', instrument: { name: 'Acme Corp', isin: 'US0000000000' } },
}));

type Sample = (typeof records)[number];

function measure(name: string, run: (record: Sample) => unknown): number {
  const at = (i: number) => records[i % records.length] as Sample;
  let sink = 0;
  for (let i = 0; i < 100_000; i++) if (run(at(i))) sink++;
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) if (run(at(i))) sink++;
    samples.push(Number(process.hrtime.bigint() - started) / ITERATIONS);
  }
  const median = samples.sort((a, b) => a - b)[2] as number;
  process.stderr.write(`${name.padEnd(44)} ${median.toFixed(0).padStart(6)} ns/record${sink < 0 ? '!' : ''}\n`);
  return median;
}

const empty = compilePolicy({});
const typical = compilePolicy({ filter: 'data.region == "eu" && (data.price > 100 || meta.tier in ["gold","silver"])', fields: ['data.symbol', 'data.price', 'data.qty', 'data.side', 'data.trader', 'meta.enrichedAt'], mask: ['data.trader'] });
const subscriber = compileFilter('data.symbol startsWith "SYM1"');

const baseline = measure('JSON.stringify of the record (baseline)', (r) => JSON.stringify(r).length);
const results = {
  iterations: ITERATIONS,
  baselineStringifyNs: Math.round(baseline),
  emptyPolicyNs: Math.round(measure('empty policy (whole record)', (r) => empty(r))),
  typicalPolicyNs: Math.round(measure('filter + 6 fields + 1 mask', (r) => typical(r))),
  typicalPlusSubscriberFilterNs: Math.round(measure('... + subscriber filter', (r) => { const v = typical(r); return v && subscriber(v); })),
};
console.log(JSON.stringify({ ...results, ratioTypicalToStringify: +(results.typicalPlusSubscriberFilterNs / baseline).toFixed(3) }, null, 2));
