/**
 * Producer ids seen per stream in the last `windowMs`, in memory. Ids carry their publisher's
 * namespace (publisher-ids.ts: `<partnerId>:<id>` over HTTP), so one publisher's id never
 * makes another's record a duplicate. Insertion order is time order, so expiry only ever looks
 * at the oldest entries; `maxBytes` bounds the memory (the oldest ids are forgotten first when
 * it is reached), counting what each entry really costs on the heap (`entryBytes`).
 *
 * Limits: the window lives in this process. After a restart it starts empty, and each ingest
 * instance only sees the partitions it owns, so a duplicate that arrives after a restart or on
 * a partition another instance owns is forwarded; subscribers drop those by `id`.
 */
export class DedupeWindow {
  private readonly expiresAt = new Map<string, number>();
  private counted = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.expiresAt.size;
  }

  /** Heap bytes the entries are counted at (never less than they take: see entryBytes). */
  get bytes(): number {
    return this.counted;
  }

  has(stream: string, id: string, now: number): boolean {
    const expiry = this.expiresAt.get(entry(stream, id));
    return expiry !== undefined && expiry > now;
  }

  /** Called only after the record was written, so a failed write is never remembered as done. */
  add(stream: string, id: string, now: number): void {
    if (this.windowMs === 0) return;
    const key = entry(stream, id);
    const cost = keyBytes(key);
    if (cost > this.maxBytes) return;
    if (this.expiresAt.delete(key)) this.counted -= cost;
    this.expiresAt.set(key, now + this.windowMs);
    this.counted += cost;
    for (const [oldest, expiry] of this.expiresAt) {
      if (expiry > now && this.counted <= this.maxBytes && this.expiresAt.size <= MAX_ENTRIES) break;
      this.expiresAt.delete(oldest);
      this.counted -= keyBytes(oldest);
    }
  }
}

const SEPARATOR = '\u0000';
const entry = (stream: string, id: string) => `${stream}${SEPARATOR}${id}`;

/** V8 refuses a Map of more than 2^24 entries; far more than any byte budget allows, but never crash. */
const MAX_ENTRIES = 2 ** 24 - 1;

/**
 * Per entry, besides its strings: the boxed expiry time, the concatenated key's cons cell and
 * the Map's slots for key, value and chain. Under churn (ids expiring and evicted as new ones
 * come) V8's table can stay ~4x larger than the entries it holds: 116 bytes measured at worst
 * (tools/bench/dedupe-memory.ts, Node 20), rounded up with room for the last step to 4x.
 */
export const ENTRY_OVERHEAD_BYTES = 128;

/** The heap bytes one entry is counted at (see keyBytes). */
export function entryBytes(stream: string, id: string): number {
  return keyBytes(entry(stream, id));
}

/**
 * Never less than an entry takes: a V8 string takes a 16-byte header plus one byte per
 * character when all are Latin-1, else two, rounded up to 8; the key is `<stream>\0` (ASCII,
 * STREAM_NAME_PATTERN) and the id, counted as two strings (as V8 builds the concatenation).
 */
function keyBytes(key: string): number {
  const split = key.indexOf(SEPARATOR) + 1;
  return ENTRY_OVERHEAD_BYTES + stringBytes(split, true) + stringBytes(key.length - split, !BEYOND_LATIN1.test(key));
}

const BEYOND_LATIN1 = /[\u0100-\uffff]/;
const stringBytes = (chars: number, oneByte: boolean) => Math.ceil((16 + chars * (oneByte ? 1 : 2)) / 8) * 8;
