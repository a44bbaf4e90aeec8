/** How far a lineage has been metered in one partition. */
export interface Mark {
  partnerId: string;
  lineage: string;
  partition: number;
  offset: number;
}

/**
 * Per partner and subscription lineage, the last records.enriched offset metered in each
 * partition. A resume (same lineage, `since`) is sent again what the partner did not receive
 * before; what lies at or below the mark was metered then and is not metered twice.
 */
export class LineageMarks {
  private readonly marks = new Map<string, { offsets: Map<number, number>; touched: number }>();

  through(partnerId: string, lineage: string, partition: number): number {
    return this.marks.get(lineageKey(partnerId, lineage))?.offsets.get(partition) ?? -1;
  }

  raise(partnerId: string, lineage: string, partition: number, offset: number, now = Date.now()): void {
    const k = lineageKey(partnerId, lineage);
    let mark = this.marks.get(k);
    if (!mark) this.marks.set(k, (mark = { offsets: new Map(), touched: now }));
    mark.offsets.set(partition, Math.max(mark.offsets.get(partition) ?? -1, offset));
    mark.touched = now;
  }

  all(): Mark[] {
    const out: Mark[] = [];
    for (const [k, { offsets }] of this.marks) {
      const [partnerId, lineage] = k.split('\u0000') as [string, string];
      for (const [partition, offset] of offsets) out.push({ partnerId, lineage, partition, offset });
    }
    return out;
  }

  /** Forgets lineages that have not moved since `before`, except those in `keep` (partner, lineage). */
  forget(before: number, keep: Array<{ partnerId: string; lineage: string }>): void {
    const kept = new Set(keep.map((m) => lineageKey(m.partnerId, m.lineage)));
    for (const [k, mark] of this.marks) if (mark.touched < before && !kept.has(k)) this.marks.delete(k);
  }
}

/** One key per (partner, lineage): a partner's lineage ids never meet another partner's. */
export const lineageKey = (partnerId: string, lineage: string) => `${partnerId}\u0000${lineage}`;
