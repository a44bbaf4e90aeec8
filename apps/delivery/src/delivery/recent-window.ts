import type { DeliveredRecord } from '@streamgate/contracts';

interface Entry {
  offset: number;
  record: DeliveredRecord;
  bytes: number;
  at: number;
}

interface PartitionWindow {
  entries: Entry[];
  head: number;
  bytes: number;
}

/**
 * The most recent records of records.enriched per partition, as read (before entitlements),
 * bounded by bytes and age. Resumes and lagging subscribers catch up from here when it reaches
 * back far enough, and from Kafka otherwise.
 */
export class RecentWindow {
  private readonly partitions = new Map<number, PartitionWindow>();
  private totalBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxAgeMs: number,
  ) {}

  get bytes(): number {
    return this.totalBytes;
  }

  append(partition: number, offset: number, record: DeliveredRecord, bytes: number, now = Date.now()): void {
    let window = this.partitions.get(partition);
    if (!window) this.partitions.set(partition, (window = { entries: [], head: 0, bytes: 0 }));
    window.entries.push({ offset, record, bytes, at: now });
    window.bytes += bytes;
    this.totalBytes += bytes;
    this.evict(now);
  }

  /** First offset still held for the partition, if any. */
  earliest(partition: number): number | undefined {
    const window = this.partitions.get(partition);
    return window && window.head < window.entries.length ? (window.entries[window.head] as Entry).offset : undefined;
  }

  /**
   * The held records after `after`, in offset order, or undefined when the window does not
   * reach back to `after + 1` (then the caller reads the gap from Kafka first).
   */
  since(partition: number, after: number): DeliveredRecord[] | undefined {
    const window = this.partitions.get(partition);
    const first = this.earliest(partition);
    if (!window || first === undefined) return undefined;
    if (first > after + 1) return undefined;
    const out: DeliveredRecord[] = [];
    for (let i = this.firstAfter(window, after); i < window.entries.length; i++) out.push((window.entries[i] as Entry).record);
    return out;
  }

  private firstAfter(window: PartitionWindow, after: number): number {
    let lo = window.head;
    let hi = window.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((window.entries[mid] as Entry).offset <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Oldest first across partitions by age, then by bytes; arrays are compacted lazily.
  private evict(now: number): void {
    const cutoff = now - this.maxAgeMs;
    for (const window of this.partitions.values()) {
      while (window.head < window.entries.length && (window.entries[window.head] as Entry).at < cutoff) this.drop(window);
    }
    while (this.totalBytes > this.maxBytes) {
      let oldest: PartitionWindow | undefined;
      for (const window of this.partitions.values()) {
        const head = window.entries[window.head];
        if (head && (!oldest || head.at < (oldest.entries[oldest.head] as Entry).at)) oldest = window;
      }
      if (!oldest) break;
      this.drop(oldest);
    }
  }

  private drop(window: PartitionWindow): void {
    const entry = window.entries[window.head] as Entry;
    window.head++;
    window.bytes -= entry.bytes;
    this.totalBytes -= entry.bytes;
    if (window.head > 1024 && window.head * 2 > window.entries.length) {
      window.entries = window.entries.slice(window.head);
      window.head = 0;
    }
  }
}
