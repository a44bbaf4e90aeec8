import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually } from '@streamgate/testing';
import { createStream, subscribed } from './e2e-helpers';

// `npm run produce` and `npm run dlq`, run as the operator would (built scripts, env vars).
describe('operator tools', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ apps: ['access-control', 'ingest', 'enrichment', 'delivery'] });
    await createStream(platform, { name: 'sensors', schema: { type: 'object', required: ['v'] } });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const tool = (script: string, args: string[]) =>
    spawnSync(process.execPath, [join(repoRoot(), 'tools/dist/ops', script), ...args], { env: platform.env, encoding: 'utf8', timeout: 60_000 });

  it('produce publishes an NDJSON file; dlq shows its bad lines with reason and coordinates', async () => {
    const subscriber = await subscribed(platform, { stream: 'sensors' });
    const file = join(mkdtempSync(join(tmpdir(), 'sg-tools-')), 'records.ndjson');
    const good = Array.from({ length: 1200 }, (_, i) => JSON.stringify({ id: `s${i % 5}`, v: i }));
    writeFileSync(file, [...good.slice(0, 600), '{"v": broken', JSON.stringify({ no: 'v' }), ...good.slice(600), ''].join('\n'));

    const produced = tool('produce.js', ['--stream', 'sensors', '--file', file, '--key-field', 'id']);
    expect(produced.status).toBe(0);
    expect(produced.stdout).toContain('produced 1202 records to');
    expect(produced.stderr).toContain('100%');
    await expectEventually(() => expect(subscriber.records).toHaveLength(1200), { timeoutMs: 30_000 });
    expect(subscriber.records.filter((r) => r.key === 's1').map((r) => r.data.v)).toEqual(good.map((_, i) => i).filter((i) => i % 5 === 1));
    subscriber.close();

    const dlq = await expectEventually(() => {
      const out = tool('dlq.js', ['--stream', 'sensors', '--since', '10m']);
      expect(out.stdout).toContain('2 dead letter(s) for sensors');
      return out.stdout;
    }, { timeoutMs: 30_000, intervalMs: 1_000 });
    expect(dlq).toMatch(/INVALID_JSON {2}\S*ingest\.sensors:\d+:\d+/);
    expect(dlq).toMatch(/SCHEMA_VIOLATION {2}\S*ingest\.sensors:\d+:\d+\n {2}\/ must have required property 'v'/);

    expect(tool('produce.js', ['--stream', 'nope', '--file', file])).toMatchObject({ status: 1, stderr: expect.stringContaining('no stream named nope') });
    expect(tool('dlq.js', [])).toMatchObject({ status: 1, stderr: expect.stringContaining('--stream is required') });
  });
});
