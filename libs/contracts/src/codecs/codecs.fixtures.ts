import type { ApiKeyRecord, PartnerRecord } from '../api-keys';
import { ContractViolation } from '../contract-violation';
import type { DeadLetter } from '../dlq';
import type { Envelope } from '../envelope';
import type { PartnerEntitlements } from '../entitlements';
import type { ReferenceRow, StreamDefinition } from '../stream-definition';
import type { QuotaState, UsageEvent } from '../usage';

// Valid payloads of every topic, for the codec specs (not part of the library build).
const NOW = '2026-12-02T10:00:00.000Z';

export const envelope: Envelope = { id: 'o-1', stream: 'trades', key: 'ACME', time: NOW, ingestedAt: NOW, data: { price: 2 }, meta: {} };

export const deadLetter: DeadLetter = {
  key: Buffer.from('k'),
  value: Buffer.from('{"not": json'),
  headers: { stream: 'trades', reason: 'INVALID_JSON', detail: 'Unexpected token', 'source-topic': 'ingest.trades', 'source-partition': '3', 'source-offset': '42' },
};

export const streamDefinition: StreamDefinition = {
  name: 'trades',
  schema: { type: 'object' },
  source: { topic: 'ingest.trades' },
  enrich: [
    { op: 'lookup', table: 'instruments', key: 'data.symbol', into: 'meta.instrument', onError: 'skip' },
    { op: 'derive', into: 'data.notional', expr: 'data.price * data.qty', onError: { default: 0 } },
    { op: 'redact', paths: ['data.trader'], mode: 'hash' },
    { op: 'pick', paths: ['data.price'] },
  ],
  version: 3,
  updatedAt: NOW,
};

export const entitlements: PartnerEntitlements = { partnerId: 'ptn_a', streams: { trades: { subscribe: true, fields: ['data.price'], mask: [], filter: 'data.price > 1' } }, updatedAt: NOW };
export const partner: PartnerRecord = { id: 'ptn_a', name: 'Acme', plan: null, timezone: 'Europe/Paris', status: 'active' };
export const quota: QuotaState = { state: 'soft', period: '2026-12', used: 90, limit: 100, maxConnections: null, replayRecordsPerSecond: 500 };
export const referenceRow: ReferenceRow = { table: 'instruments', key: 'ACME', row: { venue: 'XNAS' } };
export const apiKey: ApiKeyRecord = { id: 'abcdefghijkl', partnerId: 'ptn_a', hash: 'a'.repeat(64), scopes: ['subscribe', 'publish'], createdAt: NOW };

export const usageEvent: UsageEvent = {
  id: 'delivery:run-1:ptn_a:trades:1',
  partnerId: 'ptn_a',
  keyId: 'abcdefghijkl',
  stream: 'trades',
  source: 'delivery',
  windowStart: NOW,
  windowEnd: NOW,
  counters: { recordsDelivered: 3, bytesDelivered: 300, connectionSeconds: 1.5 },
  offsets: { '0': [10, 12] },
};

/** `<code> <message>` of the ContractViolation `run` throws; any other outcome fails the test. */
export function violation(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractViolation) return `${error.code} ${error.message}`;
    throw error;
  }
  throw new Error('expected a ContractViolation');
}
