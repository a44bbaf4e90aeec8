/**
 * The last `capacity` record ids of a stream, for dropping the duplicates a hand-over can
 * cause. Envelope ids are unique per publisher (HTTP ids are `<partnerId>:<id>`), so two
 * publishers' records never collide here. A Set iterates in insertion order: the oldest id is
 * the first one.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** True the first time an id is offered (remembering it), false for a repeat. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}
