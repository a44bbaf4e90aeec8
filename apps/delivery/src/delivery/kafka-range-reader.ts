import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { DeliveredRecord } from '@streamgate/contracts';
import { onSkippedBatches } from '@streamgate/kafka';
import { fanoutBatch } from './fanout';
import { offsetOf } from './delivery-view';

/** Bytes per fetch of a range read (see readRanges). */
const RANGE_FETCH_BYTES = 1024 * 1024;

export interface Range {
  partition: number;
  /** First offset to read. */
  from: number;
  /** Offset to stop before. */
  to: number;
}

export interface RangeReadOptions {
  /** Gives up when no batch arrives for this long (progress, not wall time: a long read goes on). */
  idleTimeoutMs?: number;
  /** Stops the read (between batches) when aborted; the promise then rejects with the reason. */
  signal?: AbortSignal;
}

/**
 * Reads offset ranges of records.enriched with a short-lived consumer of its own (no committed
 * offsets), for catch-ups and replays the recent window does not cover. Records come out per
 * partition in offset order. An error from `onRecords` ends the read (it is not retried).
 */
export async function readRanges(
  kafka: Kafka,
  topic: string,
  groupPrefix: string,
  ranges: Range[],
  onRecords: (partition: number, records: DeliveredRecord[], lastOffset: number) => void | Promise<void>,
  options: RangeReadOptions = {},
): Promise<void> {
  const pending = new Map(ranges.filter((r) => r.to > r.from).map((r) => [r.partition, r]));
  if (pending.size === 0) return;
  options.signal?.throwIfAborted();
  const idleMs = options.idleTimeoutMs ?? 30_000;
  const consumer = kafka.consumer({
    groupId: `${groupPrefix}.${randomBytes(6).toString('hex')}`,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    // kafkajs decodes a whole fetch response in one go on the event loop: at its defaults
    // (10 MB, 1 MB per partition) a partner's replays and resumes block live delivery of every
    // partner for hundreds of ms. Small fetches keep each step short (a larger record still
    // comes whole: the broker always returns at least one batch).
    maxBytes: RANGE_FETCH_BYTES,
    maxBytesPerPartition: RANGE_FETCH_BYTES / 4,
  });
  let finish: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // It may fail (no progress, aborted) before it is awaited: never an unhandled rejection.
  done.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const progressed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new Error(`the read from Kafka made no progress for ${idleMs} ms`)), idleMs);
  };
  const onAbort = () => fail(options.signal?.reason ?? new Error('aborted'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  progressed();
  // A range may end on a transaction's commit marker: the range is done once the read got past
  // its last offset, whether the batch that got there held records or only markers.
  const reached = (partition: number, lastOffset: string) => {
    const range = pending.get(partition);
    if (!range || Number(lastOffset) < range.to - 1) return;
    pending.delete(partition);
    if (pending.size === 0) finish();
  };
  onSkippedBatches(consumer, (skipped) => reached(skipped.partition, skipped.lastOffset));
  const start = async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = pending.get(batch.partition);
        if (!range || options.signal?.aborted) return;
        progressed();
        try {
          const messages = batch.messages.filter((m) => Number(m.offset) >= range.from && Number(m.offset) < range.to);
          const last = messages.at(-1);
          if (last) {
            const { byStream } = fanoutBatch({ partition: batch.partition, messages });
            // Awaited: a slow subscriber slows the read instead of piling records up in memory.
            await onRecords(batch.partition, [...byStream.values()].flat().sort((a, b) => offsetOf(a.pos) - offsetOf(b.pos)), Number(last.offset));
          }
        } catch (error) {
          // Thrown out of eachBatch, kafkajs would retry the batch: end the read instead.
          pending.clear();
          fail(error);
          return;
        }
        reached(batch.partition, batch.lastOffset());
      },
    });
    for (const range of pending.values()) consumer.seek({ topic, partition: range.partition, offset: String(range.from) });
  };
  try {
    // Joining the read's own group counts against the idle timeout too: a join that hangs (a
    // coordinator moving after a broker restart) ends the read instead of holding it forever.
    const starting = start();
    starting.catch(() => undefined);
    await Promise.race([starting, done]);
    await done;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
  }
}
