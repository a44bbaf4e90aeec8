import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { DeliveredRecord } from '@streamgate/contracts';
import { fanoutBatch } from './fanout';

export interface Range {
  partition: number;
  /** First offset to read. */
  from: number;
  /** Offset to stop before. */
  to: number;
}

/**
 * Reads offset ranges of records.enriched with a short-lived consumer of its own (no committed
 * offsets), for catch-ups the recent window no longer covers. Records come out per partition
 * in offset order.
 */
export async function readRanges(
  kafka: Kafka,
  topic: string,
  groupPrefix: string,
  ranges: Range[],
  onRecords: (partition: number, records: DeliveredRecord[], lastOffset: number) => void | Promise<void>,
  timeoutMs = 120_000,
): Promise<void> {
  const pending = new Map(ranges.filter((r) => r.to > r.from).map((r) => [r.partition, r]));
  if (pending.size === 0) return;
  const consumer = kafka.consumer({ groupId: `${groupPrefix}.${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setTimeout(() => fail(new Error(`catch-up from Kafka did not finish within ${timeoutMs} ms`)), timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = pending.get(batch.partition);
        if (!range) return;
        const messages = batch.messages.filter((m) => Number(m.offset) >= range.from && Number(m.offset) < range.to);
        const last = messages.at(-1);
        if (last) {
          const { byStream } = fanoutBatch({ partition: batch.partition, messages });
          // Awaited: a slow subscriber slows the read instead of piling records up in memory.
          await onRecords(batch.partition, [...byStream.values()].flat().sort((a, b) => offsetOf(a) - offsetOf(b)), Number(last.offset));
        }
        if (Number(batch.lastOffset()) >= range.to - 1) {
          pending.delete(batch.partition);
          if (pending.size === 0) finish();
        }
      },
    });
    for (const range of pending.values()) consumer.seek({ topic, partition: range.partition, offset: String(range.from) });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}

function offsetOf(record: DeliveredRecord): number {
  return Number(record.pos.slice(record.pos.indexOf(':') + 1));
}
