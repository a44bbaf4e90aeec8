/** A room's deferred work: one fetch-partition batch through its subscriber filter, then the emit. */
type Work = () => void;

/** A room whose filter is estimated above this per batch runs outside the fetch (µs). */
const DEFER_ABOVE_US = 1_000;
/** Longest stretch of deferred work before the event loop gets a turn (ms). */
const TURN_MS = 5;
/** Past this many queued batches a room's work runs inline again: memory stays bounded. */
const MAX_QUEUED = 256;

/**
 * Costly subscriber filters run outside the fetch that brought the records, a few ms at a time,
 * round-robin between rooms: one partner's expensive filters cannot hold up the records of a
 * partner whose view is cheap (the fetch handler emits those at once). Each room keeps its
 * order; a room's queue is run out before a socket joins or leaves it (`flush`), so a hand-over
 * neither skips nor repeats a record. The cost is learnt per room (a moving average per record).
 */
export class DeferredRooms {
  private readonly queues = new Map<string, Work[]>();
  private readonly costUs = new Map<string, number>();
  private scheduled = false;

  constructor(private readonly onOverflow: (room: string) => void = () => undefined) {}

  /** Runs `work` now (measured) or queues it behind the room's earlier work. */
  run(room: string, records: number, work: Work): void {
    const queue = this.queues.get(room);
    const cheap = (this.costUs.get(room) ?? 0) * records <= DEFER_ABOVE_US;
    if (!queue && cheap) return this.measure(room, records, work);
    if (queue && queue.length >= MAX_QUEUED) {
      this.onOverflow(room);
      this.flush(room);
      return this.measure(room, records, work);
    }
    if (queue) queue.push(() => this.measure(room, records, work));
    else this.queues.set(room, [() => this.measure(room, records, work)]);
    this.schedule();
  }

  /** Runs the room's queue out, now. */
  flush(room: string): void {
    const queue = this.queues.get(room);
    if (!queue) return;
    this.queues.delete(room);
    for (const work of queue) work();
  }

  /** The room is gone: its queue with it. */
  drop(room: string): void {
    this.queues.delete(room);
    this.costUs.delete(room);
  }

  get queued(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  private measure(room: string, records: number, work: Work): void {
    const started = performance.now();
    work();
    const perRecord = ((performance.now() - started) * 1000) / Math.max(1, records);
    const before = this.costUs.get(room);
    this.costUs.set(room, before === undefined ? perRecord : before * 0.8 + perRecord * 0.2);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turn();
    });
  }

  // One batch per room in turn (a room with more goes to the back) until the turn's time is up.
  private turn(): void {
    const deadline = performance.now() + TURN_MS;
    while (this.queues.size > 0 && performance.now() < deadline) {
      const [room, queue] = this.queues.entries().next().value as [string, Work[]];
      this.queues.delete(room);
      const work = queue.shift();
      if (queue.length > 0) this.queues.set(room, queue);
      work?.();
    }
    if (this.queues.size > 0) this.schedule();
  }
}
