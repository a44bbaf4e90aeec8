import type { Consumer } from 'kafkajs';

export interface SkippedBatch {
  topic: string;
  partition: number;
  /** The last offset the fetch covered (a commit or abort marker, or an aborted record). */
  lastOffset: string;
  offsetLag: number;
}

/**
 * Calls `onSkipped` for every fetched batch that held no record to hand out — only transaction
 * markers or aborted records. kafkajs moves past such a batch without calling eachBatch or
 * eachMessage, so a reader waiting for "the last offset" of a transactional topic (which is
 * usually a commit marker) learns here that it got there.
 */
export function onSkippedBatches(consumer: Consumer, onSkipped: (batch: SkippedBatch) => void): void {
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize === 0) onSkipped({ topic: payload.topic, partition: payload.partition, lastOffset: payload.lastOffset, offsetLag: Number(payload.offsetLag) });
  });
}
