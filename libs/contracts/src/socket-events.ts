import type { JsonObject } from './envelope';

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
}

export interface ErrorBody {
  code: string;
  message: string;
}

export type SubscribeAck =
  | {
      ok: true;
      subscription: string;
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

/** One delivered record; `pos` is `<partition>:<offset>` of `records.enriched`. */
export interface DeliveredRecord {
  stream: string;
  pos: string;
  id: string;
  key: string | null;
  time: string;
  data: JsonObject;
  meta: JsonObject;
  replay?: true;
}

export function formatPos(partition: number, offset: string | number): string {
  return `${partition}:${offset}`;
}
