import * as billing from './index';
import type { AdjustmentUsage, CsvValue, Decimal, Invoice, InvoiceLine, InvoiceLineKind, Period, PeriodBounds, PeriodUsage, PlanPricing } from './index';

describe('billing barrel', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(billing).sort()).toEqual(
      [
        'BYTES_PER_GB',
        'CsvError',
        'InvoiceError',
        'MAX_PRICE_SCALE',
        'MoneyError',
        'PeriodError',
        'RECORDS_PER_UNIT_PRICE',
        'amountCents',
        'computeInvoice',
        'formatCents',
        'formatPeriod',
        'isDecimalString',
        'isTimeZone',
        'localDateTime',
        'monthBounds',
        'nextPeriod',
        'parseDecimal',
        'parsePeriod',
        'periodOf',
        'previousPeriod',
        'toCsv',
        'zonedMidnight',
      ].sort(),
    );
  });

  it('composes: an invoice for a zoned month, exported as CSV', () => {
    const plan: PlanPricing = { id: 'pro', name: 'Pro', currency: 'EUR', pricePerMillionRecords: '12.50', pricePerGb: '0.08', includedRecords: 0n, monthlyMinimumCents: 0n };
    const usage: PeriodUsage = { recordsDelivered: 2_500_000n, bytesDelivered: 0n, recordsReplayed: 0n };
    const late: AdjustmentUsage[] = [];
    const invoice: Invoice = billing.computeInvoice(plan, usage, late);
    const { start, end }: PeriodBounds = billing.monthBounds('2026-11', 'Europe/Paris');
    const rows: CsvValue[][] = invoice.lines.map((line: InvoiceLine) => [line.kind, line.description, line.quantity, billing.formatCents(line.amountCents)]);
    const kinds: InvoiceLineKind[] = invoice.lines.map((line) => line.kind);
    const price: Decimal = billing.parseDecimal(plan.pricePerMillionRecords);
    const period: Period = billing.parsePeriod('2026-11');
    expect(kinds).toEqual(['records', 'bytes']);
    expect(price).toEqual({ units: 1250n, scale: 2 });
    expect(period).toEqual({ year: 2026, month: 11 });
    expect(billing.localDateTime(start, 'Europe/Paris')).toBe('2026-11-01T00:00:00+01:00');
    expect(billing.localDateTime(end, 'Europe/Paris')).toBe('2026-12-01T00:00:00+01:00');
    expect(billing.toCsv(['kind', 'description', 'quantity', 'amount'], rows)).toBe(
      'kind,description,quantity,amount\r\n' +
        'records,Records delivered and replayed,2500000,31.25\r\n' +
        'bytes,"Bytes delivered (per GB of 1,000,000,000 bytes)",0,0.00\r\n',
    );
  });
});
