/**
 * Failed authentications per client address in a fixed window. Past `maxFailures` the address
 * is refused (429 / RATE_LIMITED) until the window ends, whatever it sends: guessing keys or
 * the admin token costs an attacker a window per few tries. Memory is bounded by `maxClients`.
 */
export class FailedAuthLimiter {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
    private readonly maxClients = 100_000,
  ) {}

  /** Seconds until the address may try again; 0 when it may try now. */
  retryAfter(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.maxFailures ? Math.ceil((entry.resetAt - now) / 1000) : 0;
  }

  fail(address: string, now = Date.now()): void {
    let entry = this.failures.get(address);
    if (!entry || entry.resetAt <= now) {
      this.failures.delete(address);
      entry = { count: 0, resetAt: now + this.windowMs };
      this.failures.set(address, entry);
      this.evict(now);
    }
    entry.count++;
  }

  // Oldest windows first (insertion order); under a flood of addresses the oldest are forgotten.
  private evict(now: number): void {
    for (const [address, entry] of this.failures) {
      if (entry.resetAt > now && this.failures.size <= this.maxClients) break;
      this.failures.delete(address);
    }
  }
}
