import { BYTES_PER_GB, InvoiceError, RECORDS_PER_UNIT_PRICE, computeInvoice } from './invoice';
import type { AdjustmentUsage, Invoice, PeriodUsage, PlanPricing } from './invoice';
import { MoneyError, amountCents } from './money';
import { PeriodError } from './periods';

const plan: PlanPricing = {
  id: 'pro',
  name: 'Pro',
  currency: 'EUR',
  pricePerMillionRecords: '12.50',
  pricePerGb: '0.08',
  includedRecords: 1_000_000,
  monthlyMinimumCents: 5000,
};
const usage = (recordsDelivered: bigint, recordsReplayed = 0n, bytesDelivered = 0n): PeriodUsage => ({ recordsDelivered, recordsReplayed, bytesDelivered });
const adjustment = (originalPeriod: string, stream: string | null, recordsDelivered: bigint, bytesDelivered = 0n, recordsReplayed = 0n): AdjustmentUsage => ({
  originalPeriod,
  stream,
  recordsDelivered,
  bytesDelivered,
  recordsReplayed,
});

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('computeInvoice', () => {
  it('prices records beyond the allowance, bytes, and tops up to the minimum', () => {
    const invoice = computeInvoice(plan, usage(3_000_000n, 500_000n, 2_500_000_000n), []);
    expect(invoice).toEqual<Invoice>({
      lines: [
        {
          kind: 'records',
          description: 'Records delivered and replayed beyond 1,000,000 included',
          quantity: '2500000',
          unitPrice: '12.50',
          per: '1000000',
          amountCents: 3125,
        },
        {
          kind: 'bytes',
          description: 'Bytes delivered (per GB of 1,000,000,000 bytes)',
          quantity: '2500000000',
          unitPrice: '0.08',
          per: '1000000000',
          amountCents: 20,
        },
        {
          kind: 'minimum',
          description: 'Top-up to the monthly minimum of 50.00 EUR',
          quantity: '1',
          unitPrice: '18.55',
          per: '1',
          amountCents: 1855,
        },
      ],
      subtotalCents: 3145,
      minimumTopUpCents: 1855,
      totalCents: 5000,
      currency: 'EUR',
    });
  });

  it('exports the units prices are quoted per', () => {
    expect(RECORDS_PER_UNIT_PRICE).toBe(1_000_000n);
    expect(BYTES_PER_GB).toBe(1_000_000_000n);
  });

  it('shows zero records and bytes lines so finance sees the zero', () => {
    const invoice = computeInvoice({ ...plan, monthlyMinimumCents: 0 }, usage(0n), []);
    expect(invoice.lines.map((line) => [line.kind, line.quantity, line.amountCents])).toEqual([
      ['records', '0', 0],
      ['bytes', '0', 0],
    ]);
    expect(invoice).toMatchObject({ subtotalCents: 0, minimumTopUpCents: 0, totalCents: 0 });
  });

  it('charges only the minimum when usage is within the allowance', () => {
    const invoice = computeInvoice(plan, usage(600_000n, 400_000n), []);
    expect(invoice.lines[0]).toMatchObject({ kind: 'records', quantity: '0', amountCents: 0 });
    expect(invoice.lines.map((line) => line.kind)).toEqual(['records', 'bytes', 'minimum']);
    expect(invoice).toMatchObject({ subtotalCents: 0, minimumTopUpCents: 5000, totalCents: 5000 });
  });

  describe('records line', () => {
    it.each([
      [999_999n, 0n, '0'],
      [1_000_000n, 0n, '0'],
      [1_000_001n, 0n, '1'],
      [0n, 1_000_001n, '1'],
      [500_000n, 500_001n, '1'],
      [2_000_000n, 3_000_000n, '4000000'],
    ])('%s delivered + %s replayed − 1,000,000 included → %s', (delivered, replayed, quantity) => {
      expect(computeInvoice(plan, usage(delivered, replayed), []).lines[0]!.quantity).toBe(quantity);
    });

    it('bills replayed records like delivered ones', () => {
      const delivered = computeInvoice(plan, usage(3_000_000n, 0n), []);
      const replayed = computeInvoice(plan, usage(1_000_000n, 2_000_000n), []);
      expect(replayed.lines[0]!.amountCents).toBe(delivered.lines[0]!.amountCents);
      expect(replayed.lines[0]!.amountCents).toBe(2500);
    });

    it('produces no separate "replayed" line', () => {
      expect(computeInvoice(plan, usage(5n, 10_000_000n), []).lines.some((line) => line.kind === 'replayed')).toBe(false);
    });

    it('describes a plan without allowance plainly', () => {
      const invoice = computeInvoice({ ...plan, includedRecords: 0n }, usage(1_000_000n), []);
      expect(invoice.lines[0]).toMatchObject({ description: 'Records delivered and replayed', quantity: '1000000', amountCents: 1250 });
    });

    it('groups the digits of large allowances', () => {
      expect(computeInvoice({ ...plan, includedRecords: 1_234_567_890n }, usage(0n), []).lines[0]!.description).toBe(
        'Records delivered and replayed beyond 1,234,567,890 included',
      );
      expect(computeInvoice({ ...plan, includedRecords: 999 }, usage(0n), []).lines[0]!.description).toBe('Records delivered and replayed beyond 999 included');
    });

    it('accepts the allowance as a bigint beyond Number.MAX_SAFE_INTEGER', () => {
      const invoice = computeInvoice({ ...plan, includedRecords: 10n ** 20n }, usage(10n ** 20n + 1_000_000n), []);
      expect(invoice.lines[0]).toMatchObject({ quantity: '1000000', amountCents: 1250 });
    });

    it('rounds half-up: 400 records at 12.50 per million are 0.5 cent → 1 cent', () => {
      const invoice = computeInvoice({ ...plan, monthlyMinimumCents: 0 }, usage(1_000_400n), []);
      expect(invoice.lines[0]).toMatchObject({ quantity: '400', amountCents: 1 });
      expect(computeInvoice({ ...plan, monthlyMinimumCents: 0 }, usage(1_000_399n), []).lines[0]!.amountCents).toBe(0);
    });

    it('prices 10^15 records exactly', () => {
      const invoice = computeInvoice({ ...plan, includedRecords: 0 }, usage(10n ** 15n), []);
      expect(invoice.lines[0]).toMatchObject({ quantity: '1000000000000000', amountCents: 1_250_000_000_000 });
      expect(invoice.totalCents).toBe(1_250_000_000_000);
    });
  });

  describe('bytes line', () => {
    it.each([
      [1_000_000_000n, '0.08', 8],
      [2_500_000_000n, '0.08', 20],
      [62_500_000n, '0.08', 1], // 0.5 cent rounds up
      [62_499_999n, '0.08', 0],
      [1_073_741_824n, '1', 107], // a binary GiB is 1.073741824 decimal GB
      [10n ** 15n, '0.08', 8_000_000],
    ])('%s bytes at %s per GB → %s cents', (bytes, pricePerGb, cents) => {
      const invoice = computeInvoice({ ...plan, pricePerGb, monthlyMinimumCents: 0 }, usage(0n, 0n, bytes), []);
      expect(invoice.lines[1]).toMatchObject({ kind: 'bytes', quantity: bytes.toString(), unitPrice: pricePerGb, per: '1000000000', amountCents: cents });
    });
  });

  describe('adjustments', () => {
    it('become their own lines at plan prices, without the allowance', () => {
      const invoice = computeInvoice(plan, usage(0n), [adjustment('2026-10', null, 2_000_000n, 3_000_000_000n)]);
      expect(invoice.lines.slice(2, 4)).toEqual([
        {
          kind: 'adjustment-records',
          description: 'Adjustment for 2026-10: records delivered',
          quantity: '2000000',
          unitPrice: '12.50',
          per: '1000000',
          amountCents: 2500,
        },
        {
          kind: 'adjustment-bytes',
          description: 'Adjustment for 2026-10: bytes delivered',
          quantity: '3000000000',
          unitPrice: '0.08',
          per: '1000000000',
          amountCents: 24,
        },
      ]);
      expect(invoice).toMatchObject({ subtotalCents: 2524, minimumTopUpCents: 2476, totalCents: 5000 });
    });

    it('count replayed records, and say so', () => {
      const invoice = computeInvoice(plan, usage(0n), [adjustment('2026-10', 'orders', 1_000_000n, 0n, 1_000_000n)]);
      expect(invoice.lines[2]).toMatchObject({
        kind: 'adjustment-records',
        description: 'Adjustment for 2026-10 (stream orders): records delivered and replayed',
        quantity: '2000000',
        amountCents: 2500,
      });
    });

    it('show only non-zero lines', () => {
      const invoice = computeInvoice(plan, usage(0n), [
        adjustment('2026-09', null, 0n, 0n),
        adjustment('2026-10', 'orders', 0n, 5_000_000_000n),
        adjustment('2026-10', 'quotes', 10n, 0n),
      ]);
      expect(invoice.lines.map((line) => line.description)).toEqual([
        'Records delivered and replayed beyond 1,000,000 included',
        'Bytes delivered (per GB of 1,000,000,000 bytes)',
        'Adjustment for 2026-10 (stream orders): bytes delivered',
        'Adjustment for 2026-10 (stream quotes): records delivered',
        'Top-up to the monthly minimum of 50.00 EUR',
      ]);
    });

    it('are ordered by period, then stream (null first), whatever the input order', () => {
      const invoice = computeInvoice(plan, usage(0n), [
        adjustment('2026-10', 'quotes', 1n),
        adjustment('2026-10', null, 1n),
        adjustment('2026-09', 'orders', 1n),
        adjustment('2026-10', 'orders', 1n),
      ]);
      expect(invoice.lines.filter((line) => line.kind === 'adjustment-records').map((line) => line.description)).toEqual([
        'Adjustment for 2026-09 (stream orders): records delivered',
        'Adjustment for 2026-10: records delivered',
        'Adjustment for 2026-10 (stream orders): records delivered',
        'Adjustment for 2026-10 (stream quotes): records delivered',
      ]);
    });

    it('does not mutate the input array', () => {
      const input = [adjustment('2026-10', 'b', 1n), adjustment('2026-09', 'a', 1n)];
      const copy = [...input];
      computeInvoice(plan, usage(0n), input);
      expect(input).toEqual(copy);
    });

    it('round per line, then sum (two 0.5-cent adjustments make 2 cents, not 1)', () => {
      const invoice = computeInvoice({ ...plan, monthlyMinimumCents: 0 }, usage(0n), [adjustment('2026-09', null, 400n), adjustment('2026-10', null, 400n)]);
      expect(invoice.lines.slice(2).map((line) => line.amountCents)).toEqual([1, 1]);
      expect(invoice.subtotalCents).toBe(2);
      // Pooled, the same 800 records would be exactly 1 cent.
      expect(amountCents(800n, '12.50', 1_000_000n)).toBe(1n);
    });
  });

  describe('minimum', () => {
    it.each([
      [0, 3145, 0],
      [3144, 3145, 0],
      [3145, 3145, 0],
      [3146, 3145, 1],
      [5000n, 3145, 1855],
    ])('monthly minimum %s with subtotal %s → top-up %s', (monthlyMinimumCents, subtotal, topUp) => {
      const invoice = computeInvoice({ ...plan, monthlyMinimumCents }, usage(3_000_000n, 500_000n, 2_500_000_000n), []);
      expect(invoice.subtotalCents).toBe(subtotal);
      expect(invoice.minimumTopUpCents).toBe(topUp);
      expect(invoice.totalCents).toBe(subtotal + topUp);
      expect(invoice.lines.filter((line) => line.kind === 'minimum')).toHaveLength(topUp > 0 ? 1 : 0);
    });

    it('uses the plan currency in its description', () => {
      const invoice = computeInvoice({ ...plan, currency: 'USD', monthlyMinimumCents: 123_456 }, usage(0n), []);
      expect(invoice.lines[2]).toEqual({
        kind: 'minimum',
        description: 'Top-up to the monthly minimum of 1234.56 USD',
        quantity: '1',
        unitPrice: '1234.56',
        per: '1',
        amountCents: 123_456,
      });
      expect(invoice.currency).toBe('USD');
    });
  });

  describe('safe integers', () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    const cent = { ...plan, pricePerMillionRecords: '10000', includedRecords: 0, monthlyMinimumCents: 0 }; // 1 cent per record

    it('allows a total of exactly Number.MAX_SAFE_INTEGER cents', () => {
      const invoice = computeInvoice(cent, usage(max), []);
      expect(invoice.totalCents).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('throws when a line exceeds it', () => {
      const error = thrown(() => computeInvoice(cent, usage(max + 1n), []));
      expect(error).toBeInstanceOf(InvoiceError);
      expect(error.message).toBe('records line amount of 9007199254740992 cents exceeds Number.MAX_SAFE_INTEGER (9007199254740991)');
    });

    it('throws when 10^18 records at 1000 per million exceed it', () => {
      expect(thrown(() => computeInvoice({ ...plan, pricePerMillionRecords: '1000', includedRecords: 0 }, usage(10n ** 18n), [])).message).toMatch(
        /^records line amount of 100000000000000000 cents exceeds/,
      );
    });

    it('throws when the subtotal exceeds it though every line fits', () => {
      const error = thrown(() => computeInvoice(cent, usage(max - 1n), [adjustment('2026-10', null, 2n)]));
      expect(error).toBeInstanceOf(InvoiceError);
      expect(error.message).toBe('subtotal of 9007199254740992 cents exceeds Number.MAX_SAFE_INTEGER (9007199254740991)');
    });

    it('throws when the minimum exceeds it', () => {
      expect(thrown(() => computeInvoice({ ...plan, monthlyMinimumCents: max + 1n }, usage(0n), [])).message).toBe(
        'minimum top-up of 9007199254740992 cents exceeds Number.MAX_SAFE_INTEGER (9007199254740991)',
      );
    });
  });

  it('keeps its invariants over many generated invoices', () => {
    // Deterministic pseudo-random inputs (LCG), so a failure reproduces.
    let seed = 42n;
    const next = (limit: bigint): bigint => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      return (seed >> 16n) % limit;
    };
    const prices = ['0', '0.01', '0.005', '12.50', '0.000125', '3', '0.333333333333', '999.99'];
    for (let i = 0; i < 300; i += 1) {
      const pricing: PlanPricing = {
        ...plan,
        pricePerMillionRecords: prices[Number(next(BigInt(prices.length)))]!,
        pricePerGb: prices[Number(next(BigInt(prices.length)))]!,
        includedRecords: next(10_000_000n),
        monthlyMinimumCents: next(1_000_000n),
      };
      const periodUsage = usage(next(100_000_000n), next(10_000_000n), next(10n ** 13n));
      const late = Array.from({ length: Number(next(4n)) }, (_, k) => adjustment(`2026-0${k + 1}`, next(2n) === 0n ? null : 's', next(3n) * next(1_000_000n), next(2n) * next(10n ** 10n), next(1000n)));
      const invoice = computeInvoice(pricing, periodUsage, late);
      const usageLines = invoice.lines.filter((line) => line.kind !== 'minimum');
      expect(usageLines.reduce((sum, line) => sum + line.amountCents, 0)).toBe(invoice.subtotalCents);
      expect(invoice.totalCents).toBe(invoice.subtotalCents + invoice.minimumTopUpCents);
      expect(invoice.lines.reduce((sum, line) => sum + line.amountCents, 0)).toBe(invoice.totalCents);
      expect(BigInt(invoice.totalCents) >= BigInt(pricing.monthlyMinimumCents)).toBe(true);
      for (const line of invoice.lines) {
        expect(Number.isSafeInteger(line.amountCents)).toBe(true);
        expect(BigInt(line.amountCents)).toBe(amountCents(BigInt(line.quantity), line.unitPrice, BigInt(line.per)));
      }
      const total = periodUsage.recordsDelivered + periodUsage.recordsReplayed;
      const included = BigInt(pricing.includedRecords);
      expect(invoice.lines[0]!.quantity).toBe((total > included ? total - included : 0n).toString());
    }
  });

  describe('refuses invalid input', () => {
    it.each<[string, () => unknown, new (message: string) => Error, string | RegExp]>([
      ['a lower-case currency', () => computeInvoice({ ...plan, currency: 'eur' }, usage(0n), []), InvoiceError, 'plan.currency must be an ISO 4217 code like "EUR", got "eur"'],
      ['a long currency', () => computeInvoice({ ...plan, currency: 'EURO' }, usage(0n), []), InvoiceError, /plan.currency must be an ISO 4217 code/],
      ['an empty currency', () => computeInvoice({ ...plan, currency: '' }, usage(0n), []), InvoiceError, /plan.currency must be an ISO 4217 code/],
      [
        'a records price with a comma',
        () => computeInvoice({ ...plan, pricePerMillionRecords: '12,50' }, usage(0n), []),
        MoneyError,
        /^plan.pricePerMillionRecords: invalid price "12,50"/,
      ],
      ['a negative GB price', () => computeInvoice({ ...plan, pricePerGb: '-0.08' }, usage(0n), []), MoneyError, /^plan.pricePerGb: invalid price "-0.08"/],
      ['a GB price in exponent form', () => computeInvoice({ ...plan, pricePerGb: '8e-2' }, usage(0n), []), MoneyError, /^plan.pricePerGb: invalid price "8e-2"/],
      ['a negative allowance', () => computeInvoice({ ...plan, includedRecords: -1 }, usage(0n), []), InvoiceError, 'plan.includedRecords must be a non-negative safe integer, got -1'],
      ['a fractional allowance', () => computeInvoice({ ...plan, includedRecords: 1.5 }, usage(0n), []), InvoiceError, 'plan.includedRecords must be a non-negative safe integer, got 1.5'],
      ['an unsafe allowance', () => computeInvoice({ ...plan, includedRecords: 2 ** 53 }, usage(0n), []), InvoiceError, 'plan.includedRecords must be a non-negative safe integer, got 9007199254740992'],
      ['a NaN allowance', () => computeInvoice({ ...plan, includedRecords: Number.NaN }, usage(0n), []), InvoiceError, 'plan.includedRecords must be a non-negative safe integer, got NaN'],
      [
        'a string allowance',
        () => computeInvoice({ ...plan, includedRecords: '1000' as unknown as number }, usage(0n), []),
        InvoiceError,
        'plan.includedRecords must be a bigint or a number, got string',
      ],
      ['a negative bigint minimum', () => computeInvoice({ ...plan, monthlyMinimumCents: -1n }, usage(0n), []), InvoiceError, 'plan.monthlyMinimumCents must not be negative, got -1'],
      ['a fractional minimum', () => computeInvoice({ ...plan, monthlyMinimumCents: 12.5 }, usage(0n), []), InvoiceError, 'plan.monthlyMinimumCents must be a non-negative safe integer, got 12.5'],
      ['negative records', () => computeInvoice(plan, usage(-1n), []), InvoiceError, 'usage.recordsDelivered must not be negative, got -1'],
      ['negative replays', () => computeInvoice(plan, usage(0n, -2n), []), InvoiceError, 'usage.recordsReplayed must not be negative, got -2'],
      [
        'bytes as a number',
        () => computeInvoice(plan, { ...usage(0n), bytesDelivered: 5 as unknown as bigint }, []),
        InvoiceError,
        'usage.bytesDelivered must be a bigint, got number',
      ],
      ['adjustments that are not an array', () => computeInvoice(plan, usage(0n), null as unknown as AdjustmentUsage[]), InvoiceError, 'adjustments must be an array'],
      [
        'an adjustment with an invalid period',
        () => computeInvoice(plan, usage(0n), [adjustment('2026-10', null, 1n), adjustment('2026-13', null, 1n)]),
        PeriodError,
        'adjustments[1].originalPeriod: invalid period "2026-13": month must be 01–12',
      ],
      [
        'an adjustment with a non-string stream',
        () => computeInvoice(plan, usage(0n), [{ ...adjustment('2026-10', null, 1n), stream: 7 as unknown as string }]),
        InvoiceError,
        'adjustments[0].stream must be a string or null, got number',
      ],
      [
        'an adjustment with negative bytes',
        () => computeInvoice(plan, usage(0n), [adjustment('2026-10', null, 1n, -5n)]),
        InvoiceError,
        'adjustments[0].bytesDelivered must not be negative, got -5',
      ],
      [
        'an adjustment with number records',
        () => computeInvoice(plan, usage(0n), [adjustment('2026-10', null, 3 as unknown as bigint)]),
        InvoiceError,
        'adjustments[0].recordsDelivered must be a bigint, got number',
      ],
    ])('%s', (_name, run, type, message) => {
      const error = thrown(run);
      expect(error).toBeInstanceOf(type);
      if (typeof message === 'string') expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
    });
  });
});
