import { formatPos, recordsEnrichedCodec } from '@streamgate/contracts';
import type { DeliveredRecord } from '@streamgate/contracts';
import type { Batch } from '@streamgate/kafka';

export interface FanoutResult {
  /** Per stream, the records to push, in partition order. */
  byStream: Map<string, DeliveredRecord[]>;
  /** Every record in offset order with the size of its Kafka value (for the recent window). */
  all: Array<{ offset: number; record: DeliveredRecord; bytes: number }>;
  /** Records that could not be read as Envelopes (counted, never pushed). */
  unreadable: number;
}

/**
 * The delivery hot path over one batch of records.enriched: parse each Envelope once and
 * group the outgoing records by stream, so each is serialized once per room, not per socket.
 */
export function fanoutBatch(batch: Pick<Batch, 'partition' | 'messages'>): FanoutResult {
  const byStream = new Map<string, DeliveredRecord[]>();
  const all: FanoutResult['all'] = [];
  let unreadable = 0;
  for (const message of batch.messages) {
    let record: DeliveredRecord;
    try {
      const e = recordsEnrichedCodec.decode(message);
      record = { stream: e.stream, pos: formatPos(batch.partition, message.offset), id: e.id, key: e.key, time: e.time, data: e.data, meta: e.meta };
    } catch {
      unreadable++;
      continue;
    }
    const list = byStream.get(record.stream);
    if (list) list.push(record);
    else byStream.set(record.stream, [record]);
    all.push({ offset: Number(message.offset), record, bytes: message.value?.length ?? 0 });
  }
  return { byStream, all, unreadable };
}
