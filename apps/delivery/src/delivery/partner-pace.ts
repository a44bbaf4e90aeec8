/**
 * A per-partner pace: n records cost n/rate seconds of the partner's clock, shared by all its
 * flows of one kind on this instance, and the caller waits until they are paid. It always
 * yields, so live delivery runs between chunks; an abort cuts the wait short.
 */
export class PartnerPace {
  private readonly clock = new Map<string, number>();

  async pay(partnerId: string, records: number, recordsPerSecond: number, signal?: AbortSignal, now = Date.now()): Promise<void> {
    const due = Math.max(now, this.clock.get(partnerId) ?? now) + (records / recordsPerSecond) * 1000;
    if (due <= now) this.clock.delete(partnerId);
    else this.clock.set(partnerId, due);
    await wait(Math.max(0, due - now), signal);
    // A partner whose clock has run out holds no entry.
    if ((this.clock.get(partnerId) ?? 0) <= Date.now()) this.clock.delete(partnerId);
  }
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
