/**
 * Producer ids seen per stream in the last `windowMs`, in memory. Insertion order is time
 * order, so expiry only ever looks at the oldest entries; `maxIds` bounds the memory (the
 * oldest ids are forgotten first when it is reached).
 *
 * Limits: the window lives in this process. After a restart it starts empty, and each ingest
 * instance only sees the partitions it owns, so a duplicate that arrives after a restart or on
 * a partition another instance owns is forwarded; subscribers drop those by `id`.
 */
export class DedupeWindow {
  private readonly expiresAt = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxIds: number,
  ) {}

  get size(): number {
    return this.expiresAt.size;
  }

  has(stream: string, id: string, now: number): boolean {
    const expiry = this.expiresAt.get(entry(stream, id));
    return expiry !== undefined && expiry > now;
  }

  /** Called only after the record was written, so a failed write is never remembered as done. */
  add(stream: string, id: string, now: number): void {
    if (this.maxIds === 0 || this.windowMs === 0) return;
    const key = entry(stream, id);
    this.expiresAt.delete(key);
    this.expiresAt.set(key, now + this.windowMs);
    for (const [oldest, expiry] of this.expiresAt) {
      if (expiry > now && this.expiresAt.size <= this.maxIds) break;
      this.expiresAt.delete(oldest);
    }
  }
}

const entry = (stream: string, id: string) => `${stream}\u0000${id}`;
