// Per-record cost (µs) of expression filters next to their estimated cost (issue 13): the
// 240-way concatenation attack (refused since the cost model; measured here with the budget
// lifted), the costliest filters the budget accepts, and `data.price > 100`, for records whose
// `note` is 16 B, 1 KiB and 64 KiB. Run: `npx tsc -b tsconfig.build.json && node tools/dist/bench/expression-cost.js`.
import { EXPRESSION_LIMITS, compileFilter, expressionCost, validateExpression } from '@streamgate/expressions';
import { anyOf, balanced, costliestFilter, microsPerRecord } from './costly-filters';

const FILTERS: Record<string, string> = {
  'data.price > 100': 'data.price > 100',
  'data.note contains "zz"': 'data.note contains "zz"',
  'attack: 240-way concatenation contains "zz"': `${balanced(240)} contains "zz"`,
  'refused: 15-way concatenation contains "zz"': `${balanced(15)} contains "zz"`,
  'accepted: 6-way concatenation contains "zz"': `${balanced(6)} contains "zz"`,
  'accepted: 7-way concatenation == "zz"': `${balanced(7)} == "zz"`,
  'accepted: 31 x data.note contains "zz", ||': anyOf(31, 'data.note contains "zz"'),
  'accepted: 125 x data.p > 9, || (500 nodes)': anyOf(125, 'data.p > 9'),
  'accepted: the costliest found (noisy-neighbour)': costliestFilter('data.note', 0),
};

const NOTES = { '16 B': 16, '1 KiB': 1024, '64 KiB': 65536 };
const rows: Record<string, unknown>[] = [];
for (const [name, source] of Object.entries(FILTERS)) {
  const validation = validateExpression(source);
  const filter = compileFilter(source, { maxCost: Infinity });
  const row: Record<string, unknown> = {
    filter: name,
    sourceChars: source.length,
    estimatedCost: +expressionCost(source).toFixed(2),
    accepted: validation.ok ? 'yes' : validation.error.code,
  };
  for (const [label, size] of Object.entries(NOTES)) {
    const record = { data: { note: 'ab'.repeat(size / 2), price: 150, region: 'eu' }, meta: { tier: 'gold' } };
    row[`µs/record, note ${label}`] = +microsPerRecord(filter, record).toFixed(3);
  }
  rows.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
console.log(JSON.stringify({ budget: EXPRESSION_LIMITS.maxCost, maxValueSize: EXPRESSION_LIMITS.maxValueSize, rows }, null, 2));
