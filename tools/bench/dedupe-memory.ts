// Heap bytes per id of ingest's dedupe window (issue 13), measured with process.memoryUsage()
// after full collections, next to what the window counts (`bytes`, when it has it). Ids are
// made as ingest gets them (a Kafka header Buffer decoded as UTF-8), with a real clock: short,
// UUID, 256 characters, an HTTP id (`ptn_<16 hex>:` + 256) and 256 non-Latin-1 characters
// (two bytes each in V8). Cases: filled once to just past a power of two (the hash table just
// doubled), and steady churn (ids expire or are evicted as new ones come) at 140,000 ids, where
// the table ends up ~4x the ids, and at 200,000. Each case runs in a process of its own.
// Run: `npm run build --silent && node tools/dist/bench/dedupe-memory.js` (the window is loaded
// from apps/ingest/dist, as ingest runs it).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@streamgate/dev-stack';

interface Window {
  add(stream: string, id: string, now: number): void;
  readonly size: number;
  readonly bytes?: number;
}
type WindowClass = new (windowMs: number, limit: number) => Window;

const SHAPES: Record<string, (n: number) => string> = {
  'short (order-<n>)': (n) => `order-${n}`,
  'uuid (36)': (n) => `${n.toString(16).padStart(8, '0')}-7d4e-4f30-9a1b-5f2c0a9e1b7d`,
  '256 chars': (n) => String(n).padStart(256, 'x'),
  'HTTP ptn_…:+256 (277)': (n) => `ptn_5f2c0a9e1b7d4e30:${String(n).padStart(256, 'x')}`,
  '256 non-Latin-1': (n) => String(n).padStart(256, 'ж'),
};
const CASES = [
  { name: 'fill 131,073', entries: (1 << 17) + 1, churn: false },
  { name: 'churn 140,000', entries: 140_000, churn: true },
  { name: 'churn 200,000', entries: 200_000, churn: true },
];
const DEFAULT_BUDGET = 128 * 1024 * 1024;

function loadWindow(): WindowClass {
  // The built app module (tools may not import apps), loaded as ingest runs it.
  return (require(join(repoRoot(), 'apps/ingest/dist/ingest/dedupe-window.js')) as { DedupeWindow: WindowClass }).DedupeWindow;
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** One case in this process: the largest heap per id seen, and the window's count per id. */
function runCase(shapeName: string, entries: number, churn: boolean): { heap: number; counted: number | undefined } {
  const DedupeWindow = loadWindow();
  const shape = SHAPES[shapeName] as (n: number) => string;
  const probe = new DedupeWindow(60_000, Number.MAX_SAFE_INTEGER);
  probe.add('trades', shape(100_000), 0);
  // Churn: a byte budget of `entries` ids (or, without `bytes`, an id cap) makes each add evict one.
  const limit = !churn ? Number.MAX_SAFE_INTEGER : probe.bytes === undefined ? entries : entries * probe.bytes;
  const before = heapAfterGc();
  const window = new DedupeWindow(10 * 60_000, limit);
  const now = Date.now();
  let n = 0;
  let heap = 0;
  for (let round = 0; round < (churn ? 10 : 1); round++) {
    const until = churn ? n + entries / 2 : entries;
    for (; n < until; n++) window.add('trades', Buffer.from(shape(n)).toString('utf8'), now + n);
    if (!churn || round >= 2) heap = Math.max(heap, (heapAfterGc() - before) / window.size);
  }
  return { heap, counted: window.bytes === undefined ? undefined : window.bytes / window.size };
}

if (process.argv[2] === '--case') {
  console.log(JSON.stringify(runCase(String(process.argv[3]), Number(process.argv[4]), process.argv[5] === 'churn')));
} else {
  console.log(`node ${process.version}; heap bytes per id measured / counted by the window`);
  console.log(`${''.padEnd(24)}${CASES.map((c) => c.name.padEnd(18)).join('')}ids in ${DEFAULT_BUDGET / 2 ** 20} MiB`);
  for (const shape of Object.keys(SHAPES)) {
    let counted: number | undefined;
    const cells = CASES.map(({ entries, churn }) => {
      const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--case', shape, String(entries), churn ? 'churn' : 'fill'], { encoding: 'utf8' });
      const result = JSON.parse(out) as { heap: number; counted: number | null };
      counted = result.counted ?? undefined;
      return `${result.heap.toFixed(0)} / ${counted === undefined ? '—' : counted.toFixed(0)}`.padEnd(18);
    });
    console.log(`${shape.padEnd(24)}${cells.join('')}${counted === undefined ? '—' : Math.floor(DEFAULT_BUDGET / counted).toLocaleString('en')}`);
  }
}
