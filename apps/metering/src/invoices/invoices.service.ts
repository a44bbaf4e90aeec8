import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ApiError } from '@streamgate/service';
import { PeriodError, computeInvoice, monthBounds, parsePeriod } from '../billing';
import type { AdjustmentUsage, Invoice } from '../billing';
import type { Reader } from '../auth/finance-auth.service';
import { PartnerDirectory } from '../partners/partner-directory.service';
import { PlansRepository } from '../plans/plans.repository';
import { PERIODS_LOCK } from '../usage/usage.repository';

export interface PartnerInvoice extends Invoice {
  partnerId: string;
  partnerName: string;
  period: string;
  timezone: string;
  periodStart: string;
  periodEnd: string;
  plan: { id: string; name: string } | null;
  /** `open` is an estimate that still changes; `final` was frozen when the period closed. */
  status: 'open' | 'final';
}

/**
 * Invoices per partner and month, in the partner's time zone. Open periods are priced live from
 * the aggregates; closing a period freezes every invoice, and usage that arrives later for it is
 * booked as adjustment lines on the next open period (never a silent edit).
 */
@Injectable()
export class InvoicesService {
  private readonly logger = new Logger(InvoicesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly partners: PartnerDirectory,
    private readonly plans: PlansRepository,
  ) {}

  async list(period: string, reader: Reader): Promise<PartnerInvoice[]> {
    checkPeriod(period);
    const frozen: Array<{ invoice: PartnerInvoice }> = await this.dataSource.query('SELECT invoice FROM invoices WHERE period = $1 ORDER BY partner_id', [period]);
    const closed = (await this.dataSource.query('SELECT 1 FROM closed_periods WHERE period = $1', [period])).length > 0;
    const invoices = closed ? frozen.map((f) => f.invoice) : await this.compute(this.dataSource.manager, period);
    return reader.kind === 'partner' ? invoices.filter((i) => i.partnerId === reader.partnerId) : invoices;
  }

  async close(period: string, actor: string): Promise<{ period: string; closedAt: string; invoices: number }> {
    checkPeriod(period);
    const latestEnd = monthBounds(period, 'Etc/GMT+12').end;
    if (latestEnd.getTime() > Date.now()) throw new ApiError(409, 'PERIOD_NOT_ENDED', `${period} has not ended in every time zone yet`);
    return this.dataSource.transaction(async (em) => {
      // Waits for usage transactions in flight; none starts until this one commits.
      await em.query('SELECT pg_advisory_xact_lock($1)', [PERIODS_LOCK]);
      const inserted = await em.query('INSERT INTO closed_periods (period, closed_by) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING closed_at', [period, actor]);
      if (inserted.length === 0) throw new ApiError(409, 'PERIOD_CLOSED', `${period} is already closed`);
      const invoices = (await this.compute(em, period)).map((i) => ({ ...i, status: 'final' as const }));
      for (const invoice of invoices) {
        await em.query('INSERT INTO invoices (period, partner_id, invoice) VALUES ($1, $2, $3)', [period, invoice.partnerId, JSON.stringify(invoice)]);
      }
      this.logger.log({ msg: 'period closed', period, invoices: invoices.length, actor });
      return { period, closedAt: (inserted[0] as { closed_at: Date }).closed_at.toISOString(), invoices: invoices.length };
    });
  }

  private async compute(em: EntityManager, period: string): Promise<PartnerInvoice[]> {
    const out: PartnerInvoice[] = [];
    // Every partner with usage in the month in any zone, deleted ones included, plus adjustments booked here.
    const widest = { start: monthBounds(period, 'Etc/GMT-14').start, end: monthBounds(period, 'Etc/GMT+12').end };
    const usedBy: Array<{ partner_id: string }> = await em.query(
      `SELECT partner_id FROM usage_adjustments WHERE booked_period = $1
       UNION SELECT DISTINCT partner_id FROM usage_minute WHERE minute >= $2 AND minute < $3`,
      [period, widest.start.toISOString(), widest.end.toISOString()],
    );
    const ids = new Set([...this.partners.all().filter((p) => !p.deleted).map((p) => p.id), ...usedBy.map((r) => r.partner_id)]);
    for (const partnerId of [...ids].sort()) {
      const partner = this.partners.get(partnerId);
      const timezone = partner?.timezone ?? 'UTC';
      const { start, end } = monthBounds(period, timezone);
      const [usage] = await em.query(
        `SELECT COALESCE(SUM(records_delivered), 0)::text AS delivered, COALESCE(SUM(bytes_delivered), 0)::text AS bytes, COALESCE(SUM(records_replayed), 0)::text AS replayed
         FROM usage_minute WHERE partner_id = $1 AND minute >= $2 AND minute < $3`,
        [partnerId, start.toISOString(), end.toISOString()],
      );
      const adjustments: Array<{ original_period: string; stream: string; delivered: string; bytes: string; replayed: string }> = await em.query(
        `SELECT original_period, stream, SUM(records_delivered)::text AS delivered, SUM(bytes_delivered)::text AS bytes, SUM(records_replayed)::text AS replayed
         FROM usage_adjustments WHERE partner_id = $1 AND booked_period = $2 GROUP BY original_period, stream ORDER BY original_period, stream`,
        [partnerId, period],
      );
      const plan = partner?.plan ? await this.plans.get(partner.plan) : undefined;
      const base = {
        partnerId,
        partnerName: partner?.name ?? partnerId,
        period,
        timezone,
        periodStart: start.toISOString(),
        periodEnd: end.toISOString(),
        plan: plan ? { id: plan.id, name: plan.name } : null,
        status: 'open' as const,
      };
      if (!plan) {
        out.push({ ...base, lines: [], subtotalCents: 0, minimumTopUpCents: 0, totalCents: 0, currency: 'USD' });
        continue;
      }
      const u = usage as { delivered: string; bytes: string; replayed: string };
      const adjusted: AdjustmentUsage[] = adjustments.map((a) => ({
        originalPeriod: a.original_period,
        stream: a.stream === '' ? null : a.stream,
        recordsDelivered: BigInt(a.delivered),
        bytesDelivered: BigInt(a.bytes),
        recordsReplayed: BigInt(a.replayed),
      }));
      out.push({ ...base, ...computeInvoice(plan, { recordsDelivered: BigInt(u.delivered), bytesDelivered: BigInt(u.bytes), recordsReplayed: BigInt(u.replayed) }, adjusted) });
    }
    return out;
  }
}

function checkPeriod(period: string): void {
  try {
    parsePeriod(period);
  } catch (error) {
    if (error instanceof PeriodError) throw new ApiError(400, 'INVALID_PERIOD', error.message);
    throw error;
  }
}
