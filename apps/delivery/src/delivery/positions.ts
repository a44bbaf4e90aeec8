import type { PartitionPositions } from '@streamgate/contracts';

/**
 * The last offset of records.enriched this instance has pushed, per partition. A subscribe
 * ack carries a snapshot: everything after it reaches the socket live.
 */
export class Positions {
  private readonly last = new Map<number, number>();

  set(partition: number, offset: number): void {
    this.last.set(partition, offset);
  }

  snapshot(): PartitionPositions {
    const out: PartitionPositions = {};
    for (const [partition, offset] of this.last) out[String(partition)] = offset;
    return out;
  }
}
