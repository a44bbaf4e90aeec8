import type { Batch } from 'kafkajs';

interface FetchGroup<C> {
  batches: Batch[];
  done: Promise<void>;
  context: C;
}

/**
 * kafkajs calls eachBatch for every partition of a fetch in the same turn of the event loop
 * (one worker each); the batches gathered until the next turn go to one handler call, and each
 * of them completes (or fails) with it.
 */
export class FetchGroups<C> {
  private open?: FetchGroup<C>;

  constructor(private readonly handle: (batches: Batch[], context: C) => Promise<void>) {}

  add(batch: Batch, context: C): Promise<void> {
    if (!this.open) {
      const group: FetchGroup<C> = { batches: [], done: Promise.resolve(), context };
      group.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (this.open === group) this.open = undefined;
        return this.handle(group.batches, group.context);
      });
      this.open = group;
    }
    this.open.batches.push(batch);
    return this.open.done;
  }
}
