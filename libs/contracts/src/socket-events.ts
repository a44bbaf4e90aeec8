import type { TopicName, TopicPayloads } from './topics';

/** Socket.IO event names of the delivery contract (DESIGN.md §5). */
export const SocketEvent = {
  Subscribe: 'subscribe',
  Unsubscribe: 'unsubscribe',
  Record: 'record',
  Records: 'records',
  Revoked: 'revoked',
  Lag: 'lag',
  Replay: 'replay',
  ReplayEnd: 'replay-end',
  Quota: 'quota',
  TokenExpiring: 'token-expiring',
  Refresh: 'refresh',
} as const;

/** Per partition of `records.enriched`: the last offset seen (or, in an ack, delivered before live). */
export type PartitionPositions = Record<string, number>;

export interface SubscribeRequest {
  stream: string;
  filter?: string;
  since?: PartitionPositions | { time: string };
  batch?: boolean;
  /** With `since`: the `lineage` of the subscription being resumed (its ack gave it). */
  lineage?: string;
}

export interface ErrorBody {
  code: string;
  message: string;
}

export type SubscribeAck =
  | {
      ok: true;
      subscription: string;
      /**
       * The metering identity of this subscription and its resumes: a resume that sends it back
       * is not metered again for records the lineage was metered for (sent before a disconnect).
       */
      lineage: string;
      position: PartitionPositions;
      /** On a resume: whether every record after `since` was still retained. */
      recovered?: boolean;
      /** When not recovered: per partition, the position just before the earliest record still retained. */
      earliest?: PartitionPositions;
    }
  | { ok: false; error: ErrorBody };

export interface UnsubscribeRequest {
  stream: string;
}

export type UnsubscribeAck = { ok: true } | { ok: false; error: ErrorBody };

/**
 * One delivered record: fields of the records.enriched payload (its codec's type, so a change
 * there reaches every delivery path and client at compile time); `pos` is `<partition>:<offset>`.
 */
export interface DeliveredRecord extends Pick<TopicPayloads[typeof TopicName.RecordsEnriched], 'stream' | 'id' | 'key' | 'time' | 'data' | 'meta'> {
  pos: string;
  replay?: true;
}

export function formatPos(partition: number, offset: string | number): string {
  return `${partition}:${offset}`;
}
