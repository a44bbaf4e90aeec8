const RESTART_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Whether a consumer is down after a crash, for /health/ready, and how long to wait before the
 * next restart. A crash in the handler (a poison batch) stays red until a batch is handled; a
 * crash of the client itself (broker unreachable, coordinator loading) clears at the next
 * successful fetch — a consumer of a quiet topic may never see another batch.
 */
export class ConsumerHealth {
  private error?: Error;
  private inHandler = false;
  private handlerFailing = false;
  private crashes = 0;

  /** The handler threw: the crash that follows is the data's, not the client's. */
  handlerFailed(): void {
    this.handlerFailing = true;
  }

  crashed(error: Error): void {
    this.error = error;
    this.inHandler = this.handlerFailing;
    this.handlerFailing = false;
  }

  /** A fetch came back: the client works again (unless the handler is what fails). */
  fetched(): void {
    if (!this.inHandler) this.error = undefined;
  }

  /** A batch was handled: healthy. */
  handled(): void {
    this.error = undefined;
    this.inHandler = false;
    this.crashes = 0;
  }

  /** Delay before the next restart after a crash kafkajs does not recover from by itself. */
  nextRestartDelay(): number {
    return RESTART_BACKOFF_MS[Math.min(this.crashes++, RESTART_BACKOFF_MS.length - 1)] as number;
  }

  static readonly LONGEST_RESTART_DELAY = RESTART_BACKOFF_MS.at(-1) as number;

  problem(groupId: string): string | undefined {
    return this.error ? `consumer ${groupId} crashed: ${this.error.message}` : undefined;
  }
}
