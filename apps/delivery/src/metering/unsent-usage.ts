import type { UsageEvent } from '@streamgate/contracts';

/**
 * Usage events reported but not yet written to usage.events, oldest first, bounded: past
 * `max` the oldest are dropped (counted), so a long Kafka outage costs under-counting, never
 * memory without end and never double counting (events keep their ids across retries).
 */
export class UnsentUsage {
  private events: UsageEvent[] = [];
  /** When the next send may be tried (backoff after failures). */
  private retryAt = 0;
  private failures = 0;

  constructor(
    private readonly max: number,
    private readonly backoff = { baseMs: 500, maxMs: 30_000 },
  ) {}

  get size(): number {
    return this.events.length;
  }

  /** Queues events; returns how many old ones were dropped to stay within the bound. */
  add(events: UsageEvent[]): number {
    this.events.push(...events);
    const over = this.events.length - this.max;
    if (over <= 0) return 0;
    this.events.splice(0, over);
    return over;
  }

  due(now = Date.now()): boolean {
    return this.events.length > 0 && now >= this.retryAt;
  }

  /** The events to send now; `sent` or `failed` must follow. */
  peek(): UsageEvent[] {
    return this.events.slice();
  }

  sent(count: number): void {
    this.events.splice(0, count);
    this.failures = 0;
    this.retryAt = 0;
  }

  failed(now = Date.now()): number {
    this.failures++;
    const wait = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (this.failures - 1));
    this.retryAt = now + wait;
    return wait;
  }
}
