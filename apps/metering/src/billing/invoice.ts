// Turns a plan's prices and a month's metered usage into invoice lines. Pure: the caller loads
// usage and adjustments, this only prices them.
//
// Rounding is per line: each line's amount is rounded half-up to a whole cent on its own
// (amountCents), and the invoice sums those rounded amounts, so the lines always add up to the
// subtotal finance sees. Summing unrounded amounts first could differ by a cent or so per line.
import { MoneyError, amountCents, formatCents, parseDecimal } from './money';
import { PeriodError, parsePeriod } from './periods';

/** Usage or pricing the invoice cannot be computed from; the message says which field and why. */
export class InvoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvoiceError';
  }
}

export interface PlanPricing {
  id: string;
  name: string;
  /** ISO 4217 code, e.g. "EUR". Amounts are in hundredths of it ("cents"). */
  currency: string;
  /** Decimal string, price of 1,000,000 records. */
  pricePerMillionRecords: string;
  /** Decimal string, price of one decimal GB (1,000,000,000 bytes). */
  pricePerGb: string;
  /** Records per month included before the records line charges anything. */
  includedRecords: bigint | number;
  monthlyMinimumCents: bigint | number;
}

export interface PeriodUsage {
  recordsDelivered: bigint;
  bytesDelivered: bigint;
  recordsReplayed: bigint;
}

/** Usage of a closed period that arrived late and is booked on this invoice. */
export interface AdjustmentUsage {
  /** "YYYY-MM" the usage belongs to. */
  originalPeriod: string;
  /** The stream, or null for usage not broken down by stream. */
  stream: string | null;
  recordsDelivered: bigint;
  bytesDelivered: bigint;
  recordsReplayed: bigint;
}

/** 'replayed' is reserved: replayed records are billed on the 'records' line, so no 'replayed' line is produced. */
export type InvoiceLineKind = 'records' | 'bytes' | 'replayed' | 'adjustment-records' | 'adjustment-bytes' | 'minimum';

export interface InvoiceLine {
  kind: InvoiceLineKind;
  description: string;
  /** Integer as a decimal string (bigint.toString()). */
  quantity: string;
  /** Decimal string, price of `per` units of quantity. */
  unitPrice: string;
  /** Integer as a decimal string: how many units unitPrice is for. */
  per: string;
  amountCents: number;
}

export interface Invoice {
  lines: InvoiceLine[];
  /** Sum of the usage lines (everything but 'minimum'). */
  subtotalCents: number;
  /** Amount of the 'minimum' line, 0 when there is none. */
  minimumTopUpCents: number;
  /** subtotalCents + minimumTopUpCents. */
  totalCents: number;
  currency: string;
}

export const RECORDS_PER_UNIT_PRICE = 1_000_000n;
export const BYTES_PER_GB = 1_000_000_000n;

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

function groupDigits(value: bigint): string {
  return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// Plan settings may be numbers (from config or JSON); metered counts must be bigints (from the database).
function count(value: unknown, field: string, numberAllowed: boolean): bigint {
  if (typeof value === 'number' && numberAllowed) {
    if (!Number.isSafeInteger(value) || value < 0) throw new InvoiceError(`${field} must be a non-negative safe integer, got ${value}`);
    return BigInt(value);
  }
  if (typeof value !== 'bigint') throw new InvoiceError(`${field} must be a ${numberAllowed ? 'bigint or a number' : 'bigint'}, got ${typeof value}`);
  if (value < 0n) throw new InvoiceError(`${field} must not be negative, got ${value}`);
  return value;
}

function toSafeNumber(cents: bigint, what: string): number {
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvoiceError(`${what} of ${cents} cents exceeds Number.MAX_SAFE_INTEGER (${Number.MAX_SAFE_INTEGER})`);
  }
  return Number(cents);
}

function checkPrice(price: string, field: string): string {
  try {
    parseDecimal(price);
  } catch (error) {
    if (error instanceof MoneyError) throw new MoneyError(`${field}: ${error.message}`);
    throw error;
  }
  return price;
}

interface PricedLine extends Omit<InvoiceLine, 'amountCents'> {
  cents: bigint;
}

function priced(kind: InvoiceLineKind, description: string, quantity: bigint, unitPrice: string, per: bigint): PricedLine {
  return { kind, description, quantity: quantity.toString(), unitPrice, per: per.toString(), cents: amountCents(quantity, unitPrice, per) };
}

// Deterministic order whatever order the caller's query returned: by period, then stream (null first).
function compareAdjustments(a: AdjustmentUsage, b: AdjustmentUsage): number {
  if (a.originalPeriod !== b.originalPeriod) return a.originalPeriod < b.originalPeriod ? -1 : 1;
  if (a.stream === b.stream) return 0;
  if (a.stream === null) return -1;
  if (b.stream === null) return 1;
  return a.stream < b.stream ? -1 : 1;
}

/**
 * Prices one month: a records line (delivered + replayed beyond the allowance), a bytes line
 * (always shown, even at zero), non-zero adjustment lines (late usage of closed periods, no
 * allowance, sorted by period then stream) and, when the subtotal is below the plan's monthly
 * minimum, a 'minimum' top-up line. Throws MoneyError, PeriodError or InvoiceError on bad input
 * and InvoiceError when an amount would exceed Number.MAX_SAFE_INTEGER cents.
 */
export function computeInvoice(plan: PlanPricing, usage: PeriodUsage, adjustments: AdjustmentUsage[]): Invoice {
  if (typeof plan.currency !== 'string' || !CURRENCY_PATTERN.test(plan.currency)) {
    throw new InvoiceError(`plan.currency must be an ISO 4217 code like "EUR", got ${JSON.stringify(plan.currency)}`);
  }
  const recordPrice = checkPrice(plan.pricePerMillionRecords, 'plan.pricePerMillionRecords');
  const gbPrice = checkPrice(plan.pricePerGb, 'plan.pricePerGb');
  const included = count(plan.includedRecords, 'plan.includedRecords', true);
  const minimum = count(plan.monthlyMinimumCents, 'plan.monthlyMinimumCents', true);
  const delivered = count(usage.recordsDelivered, 'usage.recordsDelivered', false);
  const replayed = count(usage.recordsReplayed, 'usage.recordsReplayed', false);
  const bytes = count(usage.bytesDelivered, 'usage.bytesDelivered', false);
  if (!Array.isArray(adjustments)) throw new InvoiceError('adjustments must be an array');

  const billableRecords = delivered + replayed > included ? delivered + replayed - included : 0n;
  const lines: PricedLine[] = [
    priced(
      'records',
      included > 0n ? `Records delivered and replayed beyond ${groupDigits(included)} included` : 'Records delivered and replayed',
      billableRecords,
      recordPrice,
      RECORDS_PER_UNIT_PRICE,
    ),
    priced('bytes', 'Bytes delivered (per GB of 1,000,000,000 bytes)', bytes, gbPrice, BYTES_PER_GB),
  ];

  const checked = adjustments.map((adjustment, index) => {
    const field = `adjustments[${index}]`;
    try {
      parsePeriod(adjustment.originalPeriod);
    } catch (error) {
      if (error instanceof PeriodError) throw new PeriodError(`${field}.originalPeriod: ${error.message}`);
      throw error;
    }
    if (adjustment.stream !== null && typeof adjustment.stream !== 'string') {
      throw new InvoiceError(`${field}.stream must be a string or null, got ${typeof adjustment.stream}`);
    }
    return {
      ...adjustment,
      recordsDelivered: count(adjustment.recordsDelivered, `${field}.recordsDelivered`, false),
      recordsReplayed: count(adjustment.recordsReplayed, `${field}.recordsReplayed`, false),
      bytesDelivered: count(adjustment.bytesDelivered, `${field}.bytesDelivered`, false),
    };
  });
  for (const adjustment of [...checked].sort(compareAdjustments)) {
    const label = `Adjustment for ${adjustment.originalPeriod}${adjustment.stream === null ? '' : ` (stream ${adjustment.stream})`}`;
    const records = adjustment.recordsDelivered + adjustment.recordsReplayed;
    if (records > 0n) {
      const what = adjustment.recordsReplayed > 0n ? 'records delivered and replayed' : 'records delivered';
      lines.push(priced('adjustment-records', `${label}: ${what}`, records, recordPrice, RECORDS_PER_UNIT_PRICE));
    }
    if (adjustment.bytesDelivered > 0n) {
      lines.push(priced('adjustment-bytes', `${label}: bytes delivered`, adjustment.bytesDelivered, gbPrice, BYTES_PER_GB));
    }
  }

  const result: InvoiceLine[] = lines.map(({ cents, ...line }) => ({ ...line, amountCents: toSafeNumber(cents, `${line.kind} line amount`) }));
  const subtotal = lines.reduce((sum, line) => sum + line.cents, 0n);
  const topUp = minimum > subtotal ? minimum - subtotal : 0n;
  if (topUp > 0n) {
    result.push({
      kind: 'minimum',
      description: `Top-up to the monthly minimum of ${formatCents(minimum)} ${plan.currency}`,
      quantity: '1',
      unitPrice: formatCents(topUp),
      per: '1',
      amountCents: toSafeNumber(topUp, 'minimum top-up'),
    });
  }
  return {
    lines: result,
    subtotalCents: toSafeNumber(subtotal, 'subtotal'),
    minimumTopUpCents: toSafeNumber(topUp, 'minimum top-up'),
    totalCents: toSafeNumber(subtotal + topUp, 'total'),
    currency: plan.currency,
  };
}
