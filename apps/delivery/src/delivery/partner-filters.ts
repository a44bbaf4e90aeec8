/**
 * Distinct subscriber filters per partner and stream on this instance. Each distinct filter is
 * a delivery group evaluated on every record of the stream, so a partner opening many sockets
 * with many different filters would buy itself a share of the CPU nobody priced: it is bounded.
 */
export class PartnerFilters {
  // partner → stream → filter source → subscriptions using it
  private readonly used = new Map<string, Map<string, Map<string, number>>>();

  /**
   * Whether one more subscription with `filter` keeps the partner within `max` distinct filters
   * (`replacing`: the filter of the subscription it replaces, given back if it was the last use).
   */
  fits(partnerId: string, stream: string, filter: string | undefined, max: number, replacing?: string): boolean {
    if (filter === undefined) return true;
    const filters = this.used.get(partnerId)?.get(stream);
    if (!filters || filters.has(filter)) return true;
    const freed = replacing !== undefined && filters.get(replacing) === 1 ? 1 : 0;
    return filters.size - freed < max;
  }

  add(partnerId: string, stream: string, filter: string | undefined): void {
    if (filter === undefined) return;
    let streams = this.used.get(partnerId);
    if (!streams) this.used.set(partnerId, (streams = new Map()));
    let filters = streams.get(stream);
    if (!filters) streams.set(stream, (filters = new Map()));
    filters.set(filter, (filters.get(filter) ?? 0) + 1);
  }

  remove(partnerId: string, stream: string, filter: string | undefined): void {
    const streams = this.used.get(partnerId);
    const filters = streams?.get(stream);
    if (filter === undefined || !streams || !filters) return;
    const left = (filters.get(filter) ?? 1) - 1;
    if (left > 0) return void filters.set(filter, left);
    filters.delete(filter);
    if (filters.size === 0) streams.delete(stream);
    if (streams.size === 0) this.used.delete(partnerId);
  }
}
