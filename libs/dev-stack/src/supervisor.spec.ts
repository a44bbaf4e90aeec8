import { Supervisor } from './supervisor';
import type { Supervised } from './supervisor';

/** A process stand-in: `crash()` ends the current run; `failNextStarts` makes starts throw. */
class FakeApp implements Supervised {
  readonly app = 'ingest';
  pid?: number;
  exitStatus?: { code: number | null; signal: NodeJS.Signals | null };
  starts = 0;
  failNextStarts = 0;
  private end?: () => void;
  private run: Promise<void> = Promise.resolve();

  async start(): Promise<void> {
    this.starts++;
    if (this.failNextStarts > 0) {
      this.failNextStarts--;
      this.exitStatus = { code: 1, signal: null };
      throw new Error('exited during start-up (code 1)');
    }
    this.pid = 1000 + this.starts;
    this.exitStatus = undefined;
    this.run = new Promise((resolve) => (this.end = resolve));
  }

  crash(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.exitStatus = { code: null, signal };
    this.end?.();
  }

  exited(): Promise<void> {
    return this.run;
  }

  async stop(): Promise<void> {
    this.crash('SIGTERM');
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i++) await jest.advanceTimersByTimeAsync(100);
  expect(condition()).toBe(true);
}

describe('Supervisor', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('restarts an app that was killed, and logs why', async () => {
    const app = new FakeApp();
    const lines: string[] = [];
    const supervisor = new Supervisor(app, { log: (l) => lines.push(l), baseDelayMs: 1_000 });
    await supervisor.start();
    app.crash();
    await until(() => app.starts === 2);
    expect(supervisor.restartCount).toBe(1);
    expect(lines).toEqual(['ingest exited (SIGKILL); restarting in 1000 ms', 'ingest restarted (pid 1002, restart 1)']);
    await supervisor.stop();
  });

  it('backs off while restarts fail, and starts over once the app has run stably', async () => {
    const app = new FakeApp();
    const lines: string[] = [];
    const supervisor = new Supervisor(app, { log: (l) => lines.push(l), baseDelayMs: 100, maxDelayMs: 500, stableMs: 10_000 });
    await supervisor.start();
    app.failNextStarts = 4;
    app.crash();
    await until(() => app.starts === 6);
    expect(lines.filter((l) => l.includes('restarting in')).map((l) => l.replace(/.*restarting in /, ''))).toEqual(['100 ms', '200 ms', '400 ms', '500 ms', '500 ms']);
    await jest.advanceTimersByTimeAsync(10_000);
    app.crash();
    await until(() => app.starts === 7);
    expect(lines.filter((l) => l.includes('restarting in')).at(-1)).toMatch(/restarting in 100 ms$/);
    await supervisor.stop();
  });

  it('watches an app started by someone else without starting it again', async () => {
    const app = new FakeApp();
    await app.start();
    const supervisor = new Supervisor(app, { log: () => undefined, baseDelayMs: 100 });
    await supervisor.start({ running: true });
    expect(app.starts).toBe(1);
    app.crash();
    await until(() => app.starts === 2);
    expect(supervisor.restartCount).toBe(1);
    await supervisor.stop();
  });

  it('does not restart after stop, even mid-backoff', async () => {
    const app = new FakeApp();
    const supervisor = new Supervisor(app, { log: () => undefined, baseDelayMs: 5_000 });
    await supervisor.start();
    app.crash();
    await jest.advanceTimersByTimeAsync(1_000);
    await supervisor.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(app.starts).toBe(1);
  });
});
