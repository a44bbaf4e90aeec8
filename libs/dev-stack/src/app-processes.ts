import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS } from '@streamgate/contracts';
import type { AppName } from '@streamgate/contracts';
import { repoRoot } from './paths';
import { envForApp } from './secrets';
import { waitFor } from './wait';

export interface AppProcessOptions {
  app: AppName;
  env: NodeJS.ProcessEnv;
  port?: number;
  /** Where stdout/stderr go: a file path, or 'inherit' to prefix lines onto ours. */
  output: string | 'inherit';
  /** How long `start` waits for readiness by default (a first start on a fresh broker is slow). */
  readyTimeoutMs?: number;
  /** Extra Node.js flags, e.g. --cpu-prof for the benchmark's profiling runs. */
  nodeArgs?: string[];
}

/**
 * One app running as its own Node.js process from dist/, the way production runs it. It gets
 * only its own secrets from `env` (envForApp): delivery never sees the token signing key.
 */
export class AppProcess {
  private child?: ChildProcess;
  private exit?: Promise<void>;

  constructor(readonly options: AppProcessOptions) {}

  get app(): AppName {
    return this.options.app;
  }

  get port(): number {
    return this.options.port ?? DEFAULT_PORTS[this.options.app];
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How the process ended (undefined while it runs): a graceful stop ends by SIGTERM, never SIGKILL. */
  get exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    const child = this.child;
    if (!child || (child.exitCode === null && child.signalCode === null)) return undefined;
    return { code: child.exitCode, signal: child.signalCode };
  }

  /** Resolves when the current process exits (at once when none runs). */
  async exited(): Promise<void> {
    await this.exit;
  }

  static entryPoint(app: AppName): string {
    return join(repoRoot(), 'apps', app, 'dist', 'main.js');
  }

  /**
   * Starts the process and resolves once it is ready (GET /health/ready answers 200), or with
   * `until: 'live'` as soon as it answers at all (GET /health/live), e.g. while a link is down.
   */
  async start(timeoutMs = this.options.readyTimeoutMs ?? 60_000, { until = 'ready' }: { until?: 'ready' | 'live' } = {}): Promise<void> {
    const entry = AppProcess.entryPoint(this.app);
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), '--enable-source-maps', entry], {
      env: { ...envForApp(this.app, this.options.env), PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', () => resolve()));
    this.pipeOutput(child);
    let exited = false;
    void this.exit.then(() => (exited = true));
    await waitFor(`${this.app} /health/${until} on ${this.url}`, async () => {
      if (exited) throw new Error(`${this.app} exited during start-up (code ${child.exitCode})`);
      const res = await fetch(`${this.url}/health/${until}`);
      return res.status === 200;
    }, { timeoutMs, intervalMs: 200 });
  }

  /** SIGTERM and wait for the graceful shutdown (SIGKILL after the grace period). */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }

  /** Simulates a crash: no shutdown hook runs, nothing is committed or flushed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await this.exit;
  }

  private pipeOutput(child: ChildProcess): void {
    if (this.options.output === 'inherit') {
      const prefix = `[${this.app}] `;
      const forward = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) if (line) process.stdout.write(prefix + line + '\n');
      };
      child.stdout?.on('data', forward);
      child.stderr?.on('data', forward);
    } else {
      // Both streams go into one file: neither may end it, the exit does.
      const file = createWriteStream(this.options.output, { flags: 'a' });
      child.stdout?.pipe(file, { end: false });
      child.stderr?.pipe(file, { end: false });
      child.once('close', () => file.end());
    }
  }
}
