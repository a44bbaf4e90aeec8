import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { AdjustmentUsage } from '../billing';
import { PERIODS_LOCK } from '../usage/usage.repository';

export type Tx = EntityManager;

export interface UsageTotals {
  recordsDelivered: bigint;
  bytesDelivered: bigint;
  recordsReplayed: bigint;
}

/** Frozen invoices, closed periods and the usage sums invoices are priced from. */
@Injectable()
export class InvoicesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` holding the periods lock exclusively: usage transactions in flight finish first, none starts until it commits. */
  closing<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PERIODS_LOCK]);
      return work(tx);
    });
  }

  async frozen<T>(period: string): Promise<T[]> {
    const rows: Array<{ invoice: T }> = await this.dataSource.query('SELECT invoice FROM invoices WHERE period = $1 ORDER BY partner_id', [period]);
    return rows.map((r) => r.invoice);
  }

  async isClosed(period: string): Promise<boolean> {
    return (await this.dataSource.query('SELECT 1 FROM closed_periods WHERE period = $1', [period])).length > 0;
  }

  /** When the period was closed now; undefined when it was closed already. */
  async markClosed(tx: Tx, period: string, actor: string): Promise<Date | undefined> {
    const inserted: Array<{ closed_at: Date }> = await tx.query('INSERT INTO closed_periods (period, closed_by) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING closed_at', [period, actor]);
    return inserted[0]?.closed_at;
  }

  async saveFinal(tx: Tx, period: string, invoices: Array<{ partnerId: string }>): Promise<void> {
    for (const invoice of invoices) await tx.query('INSERT INTO invoices (period, partner_id, invoice) VALUES ($1, $2, $3)', [period, invoice.partnerId, JSON.stringify(invoice)]);
  }

  /** Partners with usage in [start, end) or adjustments booked on the period. */
  async partnersWithUsage(period: string, start: Date, end: Date, tx: Tx = this.dataSource.manager): Promise<string[]> {
    const rows: Array<{ partner_id: string }> = await tx.query(
      `SELECT partner_id FROM usage_adjustments WHERE booked_period = $1
       UNION SELECT DISTINCT partner_id FROM usage_minute WHERE minute >= $2 AND minute < $3`,
      [period, start.toISOString(), end.toISOString()],
    );
    return rows.map((r) => r.partner_id);
  }

  async usage(partnerId: string, start: Date, end: Date, tx: Tx = this.dataSource.manager): Promise<UsageTotals> {
    const [row] = (await tx.query(
      `SELECT COALESCE(SUM(records_delivered), 0)::text AS delivered, COALESCE(SUM(bytes_delivered), 0)::text AS bytes, COALESCE(SUM(records_replayed), 0)::text AS replayed
       FROM usage_minute WHERE partner_id = $1 AND minute >= $2 AND minute < $3`,
      [partnerId, start.toISOString(), end.toISOString()],
    )) as Array<{ delivered: string; bytes: string; replayed: string }>;
    return { recordsDelivered: BigInt(row?.delivered ?? 0), bytesDelivered: BigInt(row?.bytes ?? 0), recordsReplayed: BigInt(row?.replayed ?? 0) };
  }

  /** Late usage of closed periods booked on `period`, per original period and stream. */
  async adjustments(partnerId: string, period: string, tx: Tx = this.dataSource.manager): Promise<AdjustmentUsage[]> {
    const rows: Array<{ original_period: string; stream: string; delivered: string; bytes: string; replayed: string }> = await tx.query(
      `SELECT original_period, stream, SUM(records_delivered)::text AS delivered, SUM(bytes_delivered)::text AS bytes, SUM(records_replayed)::text AS replayed
       FROM usage_adjustments WHERE partner_id = $1 AND booked_period = $2 GROUP BY original_period, stream ORDER BY original_period, stream`,
      [partnerId, period],
    );
    return rows.map((a) => ({
      originalPeriod: a.original_period,
      stream: a.stream === '' ? null : a.stream,
      recordsDelivered: BigInt(a.delivered),
      bytesDelivered: BigInt(a.bytes),
      recordsReplayed: BigInt(a.replayed),
    }));
  }
}
