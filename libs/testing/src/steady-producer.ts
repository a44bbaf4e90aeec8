import type { Message } from 'kafkajs';

/** What the pump needs of a kafkajs Producer. */
export interface BatchSender {
  send(record: { topic: string; acks: number; messages: Message[] }): Promise<unknown>;
}

export interface SteadyProducerOptions {
  topic: string;
  /** Ids are `<idPrefix>-<n>`, sent as the `id` header; the value is `{ n }`. */
  idPrefix: string;
  perTick: number;
  intervalMs: number;
  /** Records are keyed `k<n % keys>`. */
  keys?: number;
  /** Most records in one send when a backlog built up (default 500). */
  maxBatch?: number;
  /** Pause before sending a refused batch again. */
  retryDelayMs?: number;
}

interface Pending {
  id: string;
  message: Message;
}

/**
 * A steady stream of records for fault tests: `perTick` records every `intervalMs`, whatever
 * the broker does. Records queue up as in a real producer's buffer and go out one send at a
 * time (an idempotent kafkajs producer must not have concurrent sends); a send that fails is
 * made again with the same records until acknowledged. `acked` holds the acknowledged ids.
 */
export class SteadyProducer {
  readonly acked: string[] = [];
  private next = 0;
  private retries = 0;
  private timer?: NodeJS.Timeout;
  private readonly queue: Pending[] = [];
  private sending?: Promise<void>;

  constructor(
    private readonly sender: BatchSender,
    private readonly options: SteadyProducerOptions,
  ) {}

  /** Records handed to the producer so far. */
  get produced(): number {
    return this.next;
  }

  /** Sends that failed and were made again. */
  get retried(): number {
    return this.retries;
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.options.intervalMs);
  }

  /** Stops producing; resolves once every record is acknowledged, rejects after `timeoutMs`. */
  async stop({ timeoutMs = 60_000 }: { timeoutMs?: number } = {}): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.produced - this.acked.length} records still not acknowledged after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.sending, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private tick(): void {
    const keys = this.options.keys ?? 16;
    for (let i = 0; i < this.options.perTick; i++) {
      const n = this.next++;
      const id = `${this.options.idPrefix}-${n}`;
      this.queue.push({ id, message: { key: `k${n % keys}`, value: JSON.stringify({ n }), headers: { id } } });
    }
    this.sending ??= this.drain().finally(() => (this.sending = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.options.maxBatch ?? 500);
      await this.sendUntilAcked(batch.map((p) => p.message));
      this.queue.splice(0, batch.length);
      this.acked.push(...batch.map((p) => p.id));
    }
  }

  private async sendUntilAcked(messages: Message[]): Promise<void> {
    for (;;) {
      try {
        await this.sender.send({ topic: this.options.topic, acks: -1, messages });
        return;
      } catch {
        this.retries++;
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 500));
      }
    }
  }
}
