import type { Batch, TopicMessages } from 'kafkajs';
import type { BatchContext, BatchHandler } from './batch-consumer';
import type { PartitionTransactions } from './partition-transactions';

/** What one input batch produces, written in that batch's transaction. */
export interface BatchOutput {
  messages: TopicMessages[];
  /** Called once the transaction committed (e.g. to remember ids only once they are written). */
  committed?(): void;
}

/**
 * Turns a fetch's batches into their outputs, one per batch in the same order, without writing
 * anything: the transport writes each output with its batch's offset in one transaction.
 */
export type FetchTransform = (batches: Batch[], context: BatchContext) => BatchOutput[] | Promise<BatchOutput[]>;

/**
 * A BatchHandler that transforms a fetch, then commits each partition's output in its own
 * transaction (all at once). If any fails the fetch fails and is redelivered; batches whose
 * transaction did commit are then found stale (below the committed position) and skipped.
 */
export function transactionalHandler(
  transactions: PartitionTransactions,
  transform: FetchTransform,
  seek: (topic: string, partition: number, offset: string) => void,
): BatchHandler {
  return async (batches, context) => {
    const outputs = await transform(batches, context);
    if (outputs.length !== batches.length) throw new Error(`transform returned ${outputs.length} outputs for ${batches.length} batches`);
    const results = await Promise.allSettled(
      batches.map(async (batch, i) => {
        const output = outputs[i] as BatchOutput;
        const outcome = await transactions.commit(batch, output.messages, (position) => seek(batch.topic, batch.partition, position));
        if (outcome === 'committed') output.committed?.();
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
}
