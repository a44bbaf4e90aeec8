// Billing building blocks of the metering app: exact money, zoned billing periods, invoice
// pricing and CSV export. Pure functions, no framework.
export { CsvError, toCsv } from './csv';
export type { CsvValue } from './csv';
export { BYTES_PER_GB, InvoiceError, RECORDS_PER_UNIT_PRICE, computeInvoice } from './invoice';
export type { AdjustmentUsage, Invoice, InvoiceLine, InvoiceLineKind, PeriodUsage, PlanPricing } from './invoice';
export { MAX_PRICE_SCALE, MoneyError, amountCents, formatCents, isDecimalString, parseDecimal } from './money';
export type { Decimal } from './money';
export {
  PeriodError,
  formatPeriod,
  isTimeZone,
  localDateTime,
  monthBounds,
  nextPeriod,
  parsePeriod,
  periodOf,
  previousPeriod,
  zonedMidnight,
} from './periods';
export type { Period, PeriodBounds } from './periods';
