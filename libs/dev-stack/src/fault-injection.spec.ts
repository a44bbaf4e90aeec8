import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { killAndAwaitRestart, pauseTree, pauseTreeFor, processState, processTree } from './fault-injection';
import { waitFor } from './wait';

// Real processes (sh and sleep), no broker: what the chaos suite relies on, checked in seconds.
describe('fault injection', () => {
  const started: ChildProcess[] = [];
  const spawnTree = async (): Promise<{ root: number; children: number[] }> => {
    // A shell with two children, like a postmaster with its backends.
    const child = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { stdio: 'ignore' });
    started.push(child);
    const root = child.pid as number;
    const children = await waitFor('two children', async () => {
      const tree = processTree(root).filter((pid) => pid !== root);
      return tree.length === 2 && tree;
    }, { timeoutMs: 5_000, intervalMs: 20 });
    return { root, children };
  };

  afterEach(() => {
    for (const child of started.splice(0)) {
      for (const pid of processTree(child.pid as number).reverse()) {
        try {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });

  it('finds a process and its descendants', async () => {
    const { root, children } = await spawnTree();
    expect(processTree(root).sort()).toEqual([root, ...children].sort());
    expect(processTree(process.pid)).toContain(root);
  });

  it('pauses a whole tree and resumes it', async () => {
    const { root, children } = await spawnTree();
    const paused = pauseTree(root, { maxMs: 10_000 });
    expect([...paused.pids].sort()).toEqual([root, ...children].sort());
    for (const pid of paused.pids) await waitFor(`${pid} stopped`, async () => processState(pid) === 'T', { timeoutMs: 2_000, intervalMs: 10 });
    expect(paused.resume()).toBeGreaterThanOrEqual(0);
    for (const pid of paused.pids) await waitFor(`${pid} resumed`, async () => processState(pid) !== 'T', { timeoutMs: 2_000, intervalMs: 10 });
  });

  it('resumes by itself at the deadline', async () => {
    const { root } = await spawnTree();
    const paused = pauseTree(root, { maxMs: 500 });
    await waitFor('stopped', async () => processState(root) === 'T', { timeoutMs: 400, intervalMs: 10 });
    await waitFor('the deadline resume', async () => processState(root) !== 'T', { timeoutMs: 3_000, intervalMs: 20 });
    expect(paused.resume()).toBeGreaterThanOrEqual(500);
  });

  it('holds a pause for the time asked', async () => {
    const { root } = await spawnTree();
    const held = await pauseTreeFor(root, 300);
    expect(held.pausedMs).toBeGreaterThanOrEqual(300);
    await waitFor('resumed', async () => processState(root) !== 'T', { timeoutMs: 2_000, intervalMs: 10 });
  });

  it('refuses to pause a process that is not running', () => {
    expect(() => pauseTree(2 ** 22 + 7, { maxMs: 1_000 })).toThrow(/not running/);
  });

  describe('killAndAwaitRestart', () => {
    let server: Server;
    let url: string;
    let ready = true;

    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(ready ? 200 : 503).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('SIGKILLs the process and waits for a new one to be ready', async () => {
      let child = spawn('sleep', ['30'], { stdio: 'ignore' });
      started.push(child);
      const killed = child.pid;
      const target = { app: 'sleeper', url, get pid() { return child.pid; } };
      ready = false;
      const restart = async () => {
        child = spawn('sleep', ['30'], { stdio: 'ignore' });
        started.push(child);
        setTimeout(() => (ready = true), 200);
      };
      const result = await killAndAwaitRestart(target, { restart, timeoutMs: 5_000 });
      expect(result).toMatchObject({ app: 'sleeper', killedPid: killed, restartedPid: child.pid });
      expect(result.ms).toBeGreaterThanOrEqual(200);
    });

    it('fails when nothing restarts the app', async () => {
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      started.push(child);
      await expect(killAndAwaitRestart({ app: 'orphan', url, pid: child.pid }, { timeoutMs: 500 })).rejects.toThrow(/orphan to be restarted and ready/);
    });
  });
});
