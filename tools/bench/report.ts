// The benchmark's outputs: the results shape, the README table and the latency chart (SVG).
import type { ScenarioSamples } from './sampler';

export interface ScenarioResult extends ScenarioSamples {
  label: string;
  target: 'pipeline' | 'bare';
  rate: number;
  subscribers: number;
  seconds: number;
  recordsIn: number;
  deliveriesOut: number;
  lost: number;
  deliveriesPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  cpuSecondsPer1000Deliveries: number | null;
  valid: boolean;
  /** The worst latency of the records scheduled in each second of the run (null: none received). */
  latencyMaxBySecondMs: Array<number | null>;
}

export interface BenchResults {
  date: string;
  mode: 'quick' | 'full';
  machine: { cores: number; memoryGb: number; node: string; kafka: string };
  maxThroughput: { pipelineRecordsPerSecond: number; bareRecordsPerSecond: number; subscribers: number };
  memoryPerIdleConnection: Array<{ target: string; connections: number; rssKbPerConnection: number }>;
  scenarios: ScenarioResult[];
  ratios: { throughput: number; p99Latency: number; cpuPerRecord: number };
}

export function renderTable(results: BenchResults): string {
  const rows = results.scenarios.map(
    (s) =>
      `| ${s.label} | ${s.target} | ${s.rate} | ${s.subscribers} | ${s.deliveriesPerSecond} | ${s.latencyMs.p50} | ${s.latencyMs.p90} | ${s.latencyMs.p99} | ${s.latencyMs.p999} | ${s.latencyMs.max} | ${s.lost} | ${s.cpuSecondsPer1000Deliveries ?? '—'} | ${s.valid ? 'yes' : 'no'} |`,
  );
  return [
    `Run ${results.date} (${results.mode}; ${results.machine.cores} cores, ${results.machine.memoryGb} GB, Node ${results.machine.node}, Kafka ${results.machine.kafka}).`,
    `Max sustainable rate with ${results.maxThroughput.subscribers} subscribers: pipeline ${results.maxThroughput.pipelineRecordsPerSecond} records/s, bare relay ${results.maxThroughput.bareRecordsPerSecond} records/s.`,
    `Ratios (pipeline ÷ bare): throughput ${results.ratios.throughput}, p99 latency ${results.ratios.p99Latency} (1000 records/s, 10 subscribers: median rounds), CPU per record ${results.ratios.cpuPerRecord}.`,
    '',
    '| scenario | target | records/s | subscribers | deliveries/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | lost | CPU s / 1000 deliveries | valid |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Memory per idle connection (RSS growth of the process holding the sockets): ${results.memoryPerIdleConnection.map((m) => `${m.target} ${m.rssKbPerConnection} KB at ${m.connections}`).join(', ') || 'not measured'}.`,
    '',
    'Where the time goes (pipeline): record age when each hop starts handling it (upper bounds of histogram buckets, ms), the largest consumer lag seen in a second (records), the worst per-second event-loop p99 (ms) and mean CPU (% of one core) per process.',
    '',
    '| scenario | records/s | ingest p50/p99 | enrichment p50/p99 | delivery p50/p99 | lag ingest/enrichment/delivery/metering | event loop ingest/enrichment/delivery | CPU ingest/enrichment/delivery/metering/access-control | CPU kafka/postgres | CPU generator/subscribers |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.scenarios.filter((s) => s.target === 'pipeline').map(hopRow),
    '',
  ].join('\n');
}

function hopRow(s: ScenarioResult): string {
  const ms = (value: number | null | undefined) => value ?? '—';
  const hop = (name: string) => (s.hops[name]?.records ? `${ms(s.hops[name].p50Ms)}/${ms(s.hops[name].p99Ms)}` : '—');
  const pick = (values: Record<string, number>, names: string[]) => names.map((n) => values[n] ?? '—').join('/');
  return `| ${s.label} | ${s.rate} | ${hop('ingest')} | ${hop('enrichment')} | ${hop('delivery')} | ${pick(s.lagMax, ['ingest', 'enrichment', 'delivery', 'metering'])} | ${pick(s.eventLoopP99MaxMs, ['ingest', 'enrichment', 'delivery'])} | ${pick(s.cpuPercent, ['ingest', 'enrichment', 'delivery', 'metering', 'access-control'])} | ${pick(s.cpuPercent, ['kafka', 'postgres'])} | ${pick(s.cpuPercent, ['generator', 'subscribers'])} |`;
}

/** The round whose p99 is the median (the lower middle for an even count). */
export function medianRound(rounds: Array<ScenarioResult | undefined>): ScenarioResult | undefined {
  const sorted = rounds.filter((r): r is ScenarioResult => r !== undefined).sort((a, b) => a.latencyMs.p99 - b.latencyMs.p99);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Grouped bars of p50/p90/p99/p99.9 for the pipeline and the bare relay at 1000 records/s (their median rounds). */
export function renderChart(results: BenchResults): string {
  const pick = (target: 'pipeline' | 'bare') => medianRound(results.scenarios.filter((s) => s.label.startsWith('b: latency 1000') && s.target === target));
  const series = [pick('pipeline'), pick('bare')].filter((s): s is ScenarioResult => s !== undefined);
  const keys = ['p50', 'p90', 'p99', 'p999'] as const;
  const max = Math.max(1, ...series.flatMap((s) => keys.map((k) => s.latencyMs[k])));
  const width = 640;
  const height = 320;
  const plot = { x: 60, y: 40, w: 540, h: 220 };
  const colors = ['#3366cc', '#dc8a00'];
  const bars: string[] = [];
  keys.forEach((key, i) => {
    const groupX = plot.x + (i + 0.5) * (plot.w / keys.length);
    series.forEach((s, j) => {
      const value = s.latencyMs[key];
      const h = (value / max) * plot.h;
      const x = groupX - 30 + j * 30;
      bars.push(`<rect x="${x}" y="${plot.y + plot.h - h}" width="26" height="${h}" fill="${colors[j]}"/><text x="${x + 13}" y="${plot.y + plot.h - h - 4}" font-size="10" text-anchor="middle">${value}</text>`);
    });
    bars.push(`<text x="${groupX}" y="${plot.y + plot.h + 16}" font-size="12" text-anchor="middle">${key === 'p999' ? 'p99.9' : key}</text>`);
  });
  const legend = series.map((s, j) => `<rect x="${plot.x + j * 120}" y="12" width="12" height="12" fill="${colors[j]}"/><text x="${plot.x + j * 120 + 16}" y="22" font-size="12">${s.target}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="${height - 12}" font-size="12" text-anchor="middle">latency (ms), 1000 records/s, 10 subscribers — ${results.date.slice(0, 10)} (${results.mode})</text>
${legend}
<line x1="${plot.x}" y1="${plot.y + plot.h}" x2="${plot.x + plot.w}" y2="${plot.y + plot.h}" stroke="black"/>
${bars.join('\n')}
</svg>
`;
}
