import { MAX_PRICE_SCALE, MoneyError, amountCents, formatCents, isDecimalString, parseDecimal } from './money';

function moneyError(run: () => unknown): MoneyError {
  try {
    run();
  } catch (error) {
    if (error instanceof MoneyError) return error;
    throw error;
  }
  throw new Error('expected a MoneyError');
}

describe('isDecimalString', () => {
  it.each(['0', '3', '12.50', '0.000125', '0.000000000001', '1000000', '007', '123456789012345678901234567890.123456789012'])(
    'accepts %j',
    (value) => {
      expect(isDecimalString(value)).toBe(true);
    },
  );

  it.each([
    '',
    '.5',
    '5.',
    '-1',
    '+1',
    '1e3',
    '1E3',
    '1,000',
    '1 000',
    ' 1',
    '1 ',
    '1\n',
    '0x10',
    'NaN',
    'Infinity',
    '1.2.3',
    '１２', // fullwidth digits
    '١٢', // Arabic-Indic digits
    '1.0000000000001', // 13 decimal places
  ])('rejects %j', (value) => {
    expect(isDecimalString(value)).toBe(false);
  });

  it.each([12, 12n, null, undefined, {}, ['1']])('rejects the non-string %p', (value) => {
    expect(isDecimalString(value)).toBe(false);
  });
});

describe('parseDecimal', () => {
  it.each([
    ['12.50', 1250n, 2],
    ['0.000125', 125n, 6],
    ['3', 3n, 0],
    ['0', 0n, 0],
    ['0.0', 0n, 1],
    ['007.10', 710n, 2],
    ['0.000000000001', 1n, 12],
    ['999999999999.999999999999', 999999999999999999999999n, 12],
  ])('%s', (value, units, scale) => {
    expect(parseDecimal(value)).toEqual({ units, scale });
  });

  it('is exact beyond the precision of a double', () => {
    const value = '123456789012345678901234567890.123456789012';
    const decimal = parseDecimal(value);
    expect(decimal.scale).toBe(12);
    expect(decimal.units.toString()).toBe('123456789012345678901234567890123456789012');
  });

  it('allows exactly MAX_PRICE_SCALE decimal places', () => {
    expect(MAX_PRICE_SCALE).toBe(12);
    expect(parseDecimal(`0.${'9'.repeat(12)}`).scale).toBe(12);
  });

  it.each([
    ['', /invalid price "": expected a non-negative decimal/],
    ['-1', /invalid price "-1": expected a non-negative decimal/],
    ['+1', /invalid price "\+1"/],
    ['1e3', /invalid price "1e3".*no sign, exponent/],
    ['1,000.00', /invalid price "1,000.00"/],
    [' 12.50', /invalid price " 12.50"/],
    ['.5', /invalid price ".5"/],
    ['5.', /invalid price "5."/],
    ['1.0000000000001', /invalid price "1.0000000000001": at most 12 decimal places, got 13/],
  ])('refuses %j', (value, message) => {
    const error = moneyError(() => parseDecimal(value));
    expect(error.name).toBe('MoneyError');
    expect(error.message).toMatch(message);
  });

  it('refuses non-strings with a MoneyError', () => {
    expect(moneyError(() => parseDecimal(12.5 as unknown as string)).message).toBe('price must be a decimal string, got number');
    expect(moneyError(() => parseDecimal(undefined as unknown as string)).message).toBe('price must be a decimal string, got undefined');
  });
});

describe('amountCents', () => {
  describe('examples', () => {
    it('2,500,000 records at 12.50 per million → 3125 cents', () => {
      expect(amountCents(2_500_000n, '12.50', 1_000_000n)).toBe(3125n);
    });

    it('1 record at 0.01 per million → 0 cents', () => {
      expect(amountCents(1n, '0.01', 1_000_000n)).toBe(0n);
    });

    it('150,000 records at 0.05 per thousand → 750 cents', () => {
      expect(amountCents(150_000n, '0.05', 1000n)).toBe(750n);
    });
  });

  it('defaults per to 1', () => {
    expect(amountCents(3n, '12.50')).toBe(3750n);
    expect(amountCents(1n, '3')).toBe(300n);
  });

  it('is zero for zero quantity or a zero price', () => {
    expect(amountCents(0n, '12.50', 1_000_000n)).toBe(0n);
    expect(amountCents(10n ** 15n, '0', 1_000_000n)).toBe(0n);
    expect(amountCents(10n ** 15n, '0.000', 1n)).toBe(0n);
  });

  describe('rounds half-up to the cent', () => {
    it.each([
      // [quantity, price, per, expected cents, exact cents]
      [1n, '0.005', 1n, 1n, '0.5'],
      [1n, '0.004999999999', 1n, 0n, '0.4999999999'],
      [1n, '0.005000000001', 1n, 1n, '0.5000000001'],
      [1n, '0.015', 1n, 2n, '1.5'],
      [1n, '0.025', 1n, 3n, '2.5 (half-up, not banker’s rounding to 2)'],
      [1n, '0.014999999999', 1n, 1n, '1.4999999999'],
      [25n, '0.001', 1n, 3n, '2.5'],
      [400n, '12.50', 1_000_000n, 1n, '0.5'],
      [399n, '12.50', 1_000_000n, 0n, '0.49875'],
      [401n, '12.50', 1_000_000n, 1n, '0.50125'],
      [5n, '0.01', 10n, 1n, '0.5'],
      [3n, '0.01', 2n, 2n, '1.5'],
      [1n, '0.01', 3n, 0n, '0.333…'],
      [2n, '0.01', 3n, 1n, '0.666…'],
      [5_000_000_000n, '0.000000000001', 1n, 1n, '0.5 with 12 decimals'],
      [4_999_999_999n, '0.000000000001', 1n, 0n, '0.4999999999 with 12 decimals'],
      [500_000_000n, '0.00001', 1_000_000_000n, 0n, '0.0005'],
      [500_000_000n, '0.01', 1_000_000_000n, 1n, '0.5 of a decimal GB'],
    ])('%s × %s / %s → %s (exactly %s)', (quantity, price, per, expected) => {
      expect(amountCents(quantity, price, per)).toBe(expected);
    });

    it('agrees with an independent half-up oracle for 0..2000 × 0.001', () => {
      // n × 0.001 currency = n / 10 cents; half-up = floor((n + 5) / 10).
      for (let n = 0; n <= 2000; n += 1) {
        expect(amountCents(BigInt(n), '0.001')).toBe(BigInt(Math.floor((n + 5) / 10)));
      }
    });

    it('agrees with an independent half-up oracle for per 1..300 at 0.01', () => {
      // 1 cent / per, times quantity 0..300: half-up of q / per.
      for (let per = 1; per <= 30; per += 1) {
        for (let q = 0; q <= 300; q += 1) {
          const whole = Math.floor(q / per);
          const remainder = q - whole * per;
          const expected = 2 * remainder >= per ? whole + 1 : whole;
          expect(amountCents(BigInt(q), '0.01', BigInt(per))).toBe(BigInt(expected));
        }
      }
    });
  });

  describe('very large quantities stay exact', () => {
    it('10^15 records at 12.50 per million', () => {
      expect(amountCents(10n ** 15n, '12.50', 1_000_000n)).toBe(1_250_000_000_000n);
    });

    it('10^15 records at 0.000125 per record', () => {
      expect(amountCents(10n ** 15n, '0.000125')).toBe(12_500_000_000_000n);
    });

    it('10^17 + 3 records at 0.01 keep their last cents (beyond double precision)', () => {
      // 10^17 + 3 records at 0.01 = 10^17 + 3 cents: a double cannot hold that.
      expect(amountCents(10n ** 17n + 3n, '0.01')).toBe(10n ** 17n + 3n);
    });

    it('10^30 bytes at 0.000000000001 per GB', () => {
      expect(amountCents(10n ** 30n, '0.000000000001', 1_000_000_000n)).toBe(10n ** 11n);
    });

    it('a price with 12 decimals times a huge quantity', () => {
      // Exact value 1905197344149520029007011267/1250000000 cents (Python fractions.Fraction).
      expect(amountCents(123_456_789_012_345_678n, '0.123456789012', 1n)).toBe(1_524_157_875_319_616_023n);
    });
  });

  describe('refuses invalid input', () => {
    it.each([
      ['a negative quantity', () => amountCents(-1n, '1'), 'quantity must not be negative, got -1'],
      ['a number quantity', () => amountCents(5 as unknown as bigint, '1'), 'quantity must be a bigint, got number'],
      ['per 0', () => amountCents(1n, '1', 0n), 'per must be positive, got 0'],
      ['a negative per', () => amountCents(1n, '1', -1000n), 'per must be positive, got -1000'],
      ['a number per', () => amountCents(1n, '1', 1000 as unknown as bigint), 'per must be a bigint, got number'],
      ['an invalid price', () => amountCents(1n, '12,50'), 'invalid price "12,50": expected a non-negative decimal like "12.50" (digits, optional "." and decimals; no sign, exponent, spaces or separators)'],
      ['a negative price', () => amountCents(1n, '-0.01'), /invalid price "-0.01"/],
      ['too many decimals', () => amountCents(1n, '0.0000000000001'), /at most 12 decimal places, got 13/],
    ])('%s', (_name, run, message) => {
      const error = moneyError(run);
      if (typeof message === 'string') expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
    });
  });
});

describe('formatCents', () => {
  it.each([
    [3125n, '31.25'],
    [0n, '0.00'],
    [5n, '0.05'],
    [50n, '0.50'],
    [100n, '1.00'],
    [101n, '1.01'],
    [123456n, '1234.56'],
    [1_250_000_000_000n, '12500000000.00'],
    [123456789012345678901n, '1234567890123456789.01'],
    [-5n, '-0.05'],
    [-12345n, '-123.45'],
    [3125, '31.25'],
    [0, '0.00'],
    [-0, '0.00'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%p → %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])('refuses the number %p', (cents) => {
    expect(moneyError(() => formatCents(cents)).message).toBe(`cents must be a bigint or a safe integer, got ${cents}`);
  });

  it('round-trips with amountCents via a unit price of 1 per 1', () => {
    expect(amountCents(1n, formatCents(3125n))).toBe(3125n);
    expect(amountCents(1n, formatCents(7n))).toBe(7n);
  });
});
