import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@streamgate/dev-stack';
import { createTestDatabase, dropTestDatabase, expectEventually, uniqueName } from '@streamgate/testing';

// `npm start` supervises like an orchestrator: an app that is SIGKILLed comes back by itself
// (before: it stayed dead until someone restarted the whole platform).
describe('npm start supervises the apps', () => {
  let stack: ChildProcess | undefined;
  let databaseUrl: string;
  let output = '';

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    stack = spawn(process.execPath, [join(repoRoot(), 'tools', 'dist', 'stack', 'start.js')], {
      // Attached to the test broker and a database of its own, under a topic prefix of its own.
      env: { ...process.env, DATABASE_URL: databaseUrl, TOPIC_PREFIX: `${uniqueName('sup')}.` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expectEventually(() => expect(output).toContain('Streamgate is up'), { timeoutMs: 120_000, intervalMs: 250 });
  });

  afterAll(async () => {
    if (stack && stack.exitCode === null) {
      const exited = new Promise((resolve) => stack?.once('exit', resolve));
      stack.kill('SIGINT');
      await exited;
    }
    await dropTestDatabase(databaseUrl).catch(() => undefined);
  });

  const pidsOf = (app: string) => [...output.matchAll(new RegExp(`"msg":"listening","app":"${app}"[^}]*"pid":(\\d+)`, 'g'))].map((m) => Number(m[1]));

  it('restarts a SIGKILLed app, which becomes ready again', async () => {
    const [pid] = pidsOf('ingest');
    expect(pid).toBeGreaterThan(0);
    process.kill(pid as number, 'SIGKILL');
    await expectEventually(() => expect(output).toContain('ingest exited (SIGKILL); restarting in'), { timeoutMs: 10_000, intervalMs: 100 });
    const restarted = await expectEventually(() => {
      const pids = pidsOf('ingest');
      expect(pids.length).toBe(2);
      return pids[1] as number;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(restarted).not.toBe(pid);
    await expectEventually(async () => expect((await fetch('http://127.0.0.1:3001/health/ready')).status).toBe(200), { timeoutMs: 60_000, intervalMs: 250 });
    await expectEventually(() => expect(output).toMatch(/ingest restarted \(pid \d+, restart 1\)/), { timeoutMs: 10_000, intervalMs: 100 });
  });
});
