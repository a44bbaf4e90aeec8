import { DomainException, ErrorCode } from '@streamgate/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { PeriodError, computeInvoice, monthBounds, parsePeriod } from '../billing';
import type { Invoice } from '../billing';
import type { Reader } from '../auth/finance-auth.service';
import { PartnerDirectory } from '../partners/partner-directory.service';
import { PlansRepository } from '../plans/plans.repository';
import { InvoicesRepository } from './invoices.repository';
import type { Tx } from './invoices.repository';

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
    private readonly invoices: InvoicesRepository,
    private readonly partners: PartnerDirectory,
    private readonly plans: PlansRepository,
  ) {}

  async list(period: string | undefined, reader: Reader): Promise<PartnerInvoice[]> {
    if (!period) throw new DomainException(ErrorCode.InvalidPeriod, 'period=YYYY-MM is required');
    checkPeriod(period);
    const frozen = await this.invoices.frozen<PartnerInvoice>(period);
    const invoices = (await this.invoices.isClosed(period)) ? frozen : await this.compute(period);
    return reader.kind === 'partner' ? invoices.filter((i) => i.partnerId === reader.partnerId) : invoices;
  }

  async close(period: string, actor: string): Promise<{ period: string; closedAt: string; invoices: number }> {
    checkPeriod(period);
    const latestEnd = monthBounds(period, 'Etc/GMT+12').end;
    if (latestEnd.getTime() > Date.now()) throw new DomainException(ErrorCode.PeriodNotEnded, `${period} has not ended in every time zone yet`);
    return this.invoices.closing(async (tx) => {
      const closedAt = await this.invoices.markClosed(tx, period, actor);
      if (!closedAt) throw new DomainException(ErrorCode.PeriodClosed, `${period} is already closed`);
      const invoices = (await this.compute(period, tx)).map((i) => ({ ...i, status: 'final' as const }));
      await this.invoices.saveFinal(tx, period, invoices);
      this.logger.log({ msg: 'period closed', period, invoices: invoices.length, actor });
      return { period, closedAt: closedAt.toISOString(), invoices: invoices.length };
    });
  }

  private async compute(period: string, tx?: Tx): Promise<PartnerInvoice[]> {
    const out: PartnerInvoice[] = [];
    // Every partner with usage in the month in any zone, deleted ones included, plus adjustments booked here.
    const widest = { start: monthBounds(period, 'Etc/GMT-14').start, end: monthBounds(period, 'Etc/GMT+12').end };
    const usedBy = await this.invoices.partnersWithUsage(period, widest.start, widest.end, tx);
    const ids = new Set([...this.partners.all().filter((p) => !p.deleted).map((p) => p.id), ...usedBy]);
    for (const partnerId of [...ids].sort()) {
      const partner = this.partners.get(partnerId);
      const timezone = partner?.timezone ?? 'UTC';
      const { start, end } = monthBounds(period, timezone);
      const usage = await this.invoices.usage(partnerId, start, end, tx);
      const adjusted = await this.invoices.adjustments(partnerId, period, tx);
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
      out.push({ ...base, ...computeInvoice(plan, usage, adjusted) });
    }
    return out;
  }
}

function checkPeriod(period: string): void {
  try {
    parsePeriod(period);
  } catch (error) {
    if (error instanceof PeriodError) throw new DomainException(ErrorCode.InvalidPeriod, error.message);
    throw error;
  }
}
