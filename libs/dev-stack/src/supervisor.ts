/** What the supervisor keeps running: an AppProcess, or anything that starts, exits and stops alike. */
export interface Supervised {
  readonly app: string;
  readonly pid?: number;
  readonly exitStatus?: { code: number | null; signal: NodeJS.Signals | null };
  start(): Promise<void>;
  exited(): Promise<void>;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  log: (line: string) => void;
  /** First restart delay, doubled after each failed restart up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A process that ran this long without exiting counts as healthy: the backoff starts over. */
  stableMs?: number;
}

/**
 * Keeps an app running the way an orchestrator does on Kubernetes: an app that exits or is
 * killed is started again, after a delay that doubles while restarts keep failing (logged with
 * the exit status), until `stop`.
 */
export class Supervisor {
  private stopping = false;
  private restarts = 0;
  private watching?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly target: Supervised,
    private readonly options: SupervisorOptions,
  ) {}

  get restartCount(): number {
    return this.restarts;
  }

  /**
   * Starts the app (first start failures are the caller's), then watches it; `running`: it
   * was started already (e.g. by startPlatform), only watch it.
   */
  async start({ running = false }: { running?: boolean } = {}): Promise<void> {
    if (!running) await this.target.start();
    this.watching = this.watch();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.target.stop();
    await this.watching;
  }

  private async watch(): Promise<void> {
    let failures = 0;
    let startedAt = Date.now();
    while (!this.stopping) {
      await this.target.exited();
      if (this.stopping) return;
      // One that ran stably starts the backoff over; one that died soon after starting counts as failing.
      if (Date.now() - startedAt >= (this.options.stableMs ?? 60_000)) failures = 0;
      else if (this.restarts > 0) failures++;
      const delay = Math.min(this.options.maxDelayMs ?? 30_000, (this.options.baseDelayMs ?? 1_000) * 2 ** failures);
      const status = this.target.exitStatus;
      this.options.log(`${this.target.app} exited (${status?.signal ?? `code ${status?.code ?? '?'}`}); restarting in ${delay} ms`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, delay);
      });
      if (this.stopping) return;
      startedAt = Date.now();
      try {
        await this.target.start();
        this.restarts++;
        this.options.log(`${this.target.app} restarted (pid ${this.target.pid}, restart ${this.restarts})`);
      } catch (error) {
        failures++;
        this.options.log(`${this.target.app} restart failed: ${(error as Error).message}`);
        // One that started but never became ready is stopped before the next try.
        await this.target.stop();
      }
    }
  }
}
