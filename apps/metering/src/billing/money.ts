// Exact money arithmetic for billing: prices are decimal strings, amounts are integer cents.
// Everything is BigInt so no binary floating point ever touches an amount.

/** A price or amount that is not a valid input; the message says which and why. */
export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** Exact decimal: the value is `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Most decimal places a unit price may have ("0.000000000001"). */
export const MAX_PRICE_SCALE = 12;

// ASCII digits only (no `u` flag, so \d is [0-9]); no sign, exponent, separators or spaces.
const DECIMAL_PATTERN = /^(\d+)(?:\.(\d+))?$/;

/** True for a non-negative decimal string with at most 12 decimal places, e.g. "12.50", "3". */
export function isDecimalString(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DECIMAL_PATTERN.exec(value);
  return match !== null && (match[2] ?? '').length <= MAX_PRICE_SCALE;
}

/** Parses "12.50" into `{ units: 1250n, scale: 2 }`; throws MoneyError on anything else. */
export function parseDecimal(value: string): Decimal {
  if (typeof value !== 'string') throw new MoneyError(`price must be a decimal string, got ${typeof value}`);
  const match = DECIMAL_PATTERN.exec(value);
  if (match === null) {
    throw new MoneyError(
      `invalid price ${JSON.stringify(value)}: expected a non-negative decimal like "12.50" (digits, optional "." and decimals; no sign, exponent, spaces or separators)`,
    );
  }
  const integer = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (fraction.length > MAX_PRICE_SCALE) {
    throw new MoneyError(`invalid price ${JSON.stringify(value)}: at most ${MAX_PRICE_SCALE} decimal places, got ${fraction.length}`);
  }
  return { units: BigInt(integer + fraction), scale: fraction.length };
}

/**
 * Exact `quantity × unitPrice / per` in cents, rounded half-up to a whole cent
 * (all inputs are non-negative, so half-up and half-away-from-zero agree).
 * E.g. amountCents(2_500_000n, "12.50", 1_000_000n) === 3125n.
 */
export function amountCents(quantity: bigint, unitPrice: string, per = 1n): bigint {
  if (typeof quantity !== 'bigint') throw new MoneyError(`quantity must be a bigint, got ${typeof quantity}`);
  if (quantity < 0n) throw new MoneyError(`quantity must not be negative, got ${quantity}`);
  if (typeof per !== 'bigint') throw new MoneyError(`per must be a bigint, got ${typeof per}`);
  if (per <= 0n) throw new MoneyError(`per must be positive, got ${per}`);
  const price = parseDecimal(unitPrice);
  // cents = quantity × units × 100 / (per × 10^scale); half-up is floor(n/d + 1/2) = floor((2n + d) / 2d).
  const numerator = quantity * price.units * 100n;
  const denominator = per * 10n ** BigInt(price.scale);
  return (2n * numerator + denominator) / (2n * denominator);
}

/**
 * Cents as a plain decimal with two places and no separators: 3125n → "31.25", -5n → "-0.05".
 * Numbers are accepted for convenience but must be safe integers.
 */
export function formatCents(cents: bigint | number): string {
  let value: bigint;
  if (typeof cents === 'bigint') {
    value = cents;
  } else if (typeof cents === 'number' && Number.isSafeInteger(cents)) {
    value = BigInt(cents);
  } else {
    throw new MoneyError(`cents must be a bigint or a safe integer, got ${String(cents)}`);
  }
  const sign = value < 0n ? '-' : '';
  const magnitude = value < 0n ? -value : value;
  const whole = magnitude / 100n;
  const fraction = (magnitude % 100n).toString().padStart(2, '0');
  return `${sign}${whole}.${fraction}`;
}
