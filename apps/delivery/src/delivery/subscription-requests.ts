import { isIsoTimestamp, isJsonObject } from '@streamgate/contracts';
import type { PartitionPositions } from '@streamgate/contracts';
import { EntitlementError, checkFilter } from '@streamgate/entitlements';
import type { CompiledFilter } from '@streamgate/expressions';
import { SubscriptionErrorCode, SubscriptionException } from './subscription.exception';

export type Since = PartitionPositions | { time: string };

/**
 * Requests are checked for shape here; filters are only compiled (and cost-checked) with
 * compileSubscriberFilter once the request has passed the access gate and the partner's limits,
 * so refused requests cost next to nothing.
 */
export interface SubscribeRequest {
  stream: string;
  /** The subscriber filter's source. */
  filter?: string;
  batch: boolean;
  since?: Since;
  /** The lineage of the subscription this one resumes (from its ack). */
  lineage?: string;
}

export interface ReplayRequest {
  stream: string;
  /** Kafka timestamps, [from, to). */
  from: number;
  to: number;
  /** The replay filter's source. */
  filter?: string;
}

/** `subscribe` as the client sent it, checked for shape. */
export function parseSubscribe(request: unknown): SubscribeRequest {
  if (!isJsonObject(request) || typeof request.stream !== 'string') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'subscribe needs { stream }');
  }
  if (request.batch !== undefined && typeof request.batch !== 'boolean') {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'batch must be a boolean');
  }
  if (request.lineage !== undefined && (typeof request.lineage !== 'string' || !LINEAGE.test(request.lineage))) {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'lineage is the value a subscribe ack returned (1-64 characters of A-Z a-z 0-9 _ -)');
  }
  const filter = filterSource(request.filter);
  const lineage = request.lineage as string | undefined;
  return { stream: request.stream, batch: request.batch === true, since: parseSince(request.since), ...(filter !== undefined && { filter }), ...(lineage !== undefined && { lineage }) };
}

const LINEAGE = /^[A-Za-z0-9_-]{1,64}$/;

export function parseReplay(request: unknown): ReplayRequest {
  if (!isJsonObject(request) || typeof request.stream !== 'string' || !isIsoTimestamp(request.from) || !isIsoTimestamp(request.to)) {
    throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'replay needs { stream, from, to } with ISO-8601 times');
  }
  const from = Date.parse(String(request.from));
  const to = Date.parse(String(request.to));
  if (from >= to) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'from must be before to');
  const filter = filterSource(request.filter);
  return { stream: request.stream, from, to, ...(filter !== undefined && { filter }) };
}

/** Compiles a subscriber filter, refusing syntax errors and filters over the cost budget with INVALID_FILTER. */
export function compileSubscriberFilter(source: string): CompiledFilter {
  try {
    return checkFilter(source);
  } catch (error) {
    if (error instanceof EntitlementError) throw new SubscriptionException(SubscriptionErrorCode.InvalidFilter, error.message, error.position);
    throw error;
  }
}

function filterSource(filter: unknown): string | undefined {
  if (filter === undefined) return undefined;
  if (typeof filter !== 'string') throw new SubscriptionException(SubscriptionErrorCode.InvalidFilter, 'filter must be an expression string', 0);
  return filter;
}

function parseSince(since: unknown): Since | undefined {
  if (since === undefined || since === null) return undefined;
  if (!isJsonObject(since)) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'since is { "<partition>": <offset>, … } or { time }');
  if ('time' in since) {
    if (!isIsoTimestamp(since.time)) throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'since.time must be an ISO-8601 timestamp');
    return { time: String(since.time) };
  }
  const out: PartitionPositions = {};
  for (const [partition, offset] of Object.entries(since)) {
    if (!/^\d+$/.test(partition) || typeof offset !== 'number' || !Number.isInteger(offset) || offset < -1) {
      throw new SubscriptionException(SubscriptionErrorCode.InvalidRequest, 'since maps partitions to the last offset seen (integers ≥ -1)');
    }
    out[partition] = offset;
  }
  return out;
}
