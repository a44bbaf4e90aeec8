import {
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

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string): Date => new Date(iso);
const bounds = (period: string, zone: string): [string, string] => {
  const { start, end } = monthBounds(period, zone);
  return [start.toISOString(), end.toISOString()];
};
const midnight = (date: string, zone: string): string => zonedMidnight(date, zone).toISOString();

function periodError(run: () => unknown): PeriodError {
  try {
    run();
  } catch (error) {
    if (error instanceof PeriodError) return error;
    throw error;
  }
  throw new Error('expected a PeriodError');
}

// An oracle independent of our offset arithmetic: Intl's own "GMT+01:00" rendering.
function offsetOracle(zone: string): (instant: Date) => string {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  return (instant) => intlOffset(format, instant);
}
function intlOffset(format: Intl.DateTimeFormat, instant: Date): string {
  const name = format
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')!.value;
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

describe('isTimeZone', () => {
  it.each(['UTC', 'Etc/UTC', 'Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Asia/Kathmandu', 'US/Eastern', 'GMT'])(
    'accepts %s',
    (zone) => {
      expect(isTimeZone(zone)).toBe(true);
    },
  );

  it('accepts zone names case-insensitively, as Intl does', () => {
    expect(isTimeZone('europe/paris')).toBe(true);
    expect(localDateTime(at('2026-11-01T00:00:00Z'), 'europe/paris')).toBe('2026-11-01T01:00:00+01:00');
  });

  it.each(['', 'Foo/Bar', 'Europe/Pariss', 'Europe/Paris ', '+01:00', 'Z', 'CET+1', 'local'])('rejects %j', (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });

  it('rejects non-strings (Intl would take undefined as the host zone)', () => {
    expect(isTimeZone(undefined as unknown as string)).toBe(false);
    expect(isTimeZone(null as unknown as string)).toBe(false);
    expect(isTimeZone(1 as unknown as string)).toBe(false);
  });
});

describe('parsePeriod / formatPeriod', () => {
  it.each([
    ['2026-11', 2026, 11],
    ['2026-01', 2026, 1],
    ['2026-12', 2026, 12],
    ['0001-01', 1, 1],
    ['9999-12', 9999, 12],
  ])('%s', (period, year, month) => {
    expect(parsePeriod(period)).toEqual({ year, month });
    expect(formatPeriod({ year, month })).toBe(period);
  });

  it.each([
    ['2026-13', 'invalid period "2026-13": month must be 01–12'],
    ['2026-00', 'invalid period "2026-00": month must be 01–12'],
    ['0000-05', 'invalid period "0000-05": year must be between 0001 and 9999'],
    ['2026-1', 'invalid period "2026-1": expected YYYY-MM, e.g. "2026-11"'],
    ['26-01', 'invalid period "26-01": expected YYYY-MM, e.g. "2026-11"'],
    ['2026/01', 'invalid period "2026/01": expected YYYY-MM, e.g. "2026-11"'],
    ['2026-01-01', 'invalid period "2026-01-01": expected YYYY-MM, e.g. "2026-11"'],
    [' 2026-01', 'invalid period " 2026-01": expected YYYY-MM, e.g. "2026-11"'],
    ['2026-01\n', 'invalid period "2026-01\\n": expected YYYY-MM, e.g. "2026-11"'],
    ['+2026-01', 'invalid period "+2026-01": expected YYYY-MM, e.g. "2026-11"'],
    ['', 'invalid period "": expected YYYY-MM, e.g. "2026-11"'],
  ])('refuses %j', (period, message) => {
    const error = periodError(() => parsePeriod(period));
    expect(error.name).toBe('PeriodError');
    expect(error.message).toBe(message);
  });

  it('refuses non-strings', () => {
    expect(periodError(() => parsePeriod(202611 as unknown as string)).message).toBe('invalid period 202611: expected YYYY-MM, e.g. "2026-11"');
  });

  it.each([
    [{ year: 2026, month: 13 }, /month must be 1–12/],
    [{ year: 2026, month: 0 }, /month must be 1–12/],
    [{ year: 10000, month: 1 }, /year must be between 0001 and 9999/],
    [{ year: 2026.5, month: 1 }, /must be integers/],
  ])('formatPeriod refuses %p', (period, message) => {
    expect(periodError(() => formatPeriod(period)).message).toMatch(message);
  });
});

describe('nextPeriod / previousPeriod', () => {
  it.each([
    ['2026-12', '2027-01'],
    ['2026-01', '2026-02'],
    ['2026-09', '2026-10'],
    ['0999-12', '1000-01'],
  ])('%s → %s', (period, next) => {
    expect(nextPeriod(period)).toBe(next);
    expect(previousPeriod(next)).toBe(period);
  });

  it('refuses to leave 0001–9999', () => {
    expect(periodError(() => nextPeriod('9999-12')).message).toMatch(/year must be between 0001 and 9999/);
    expect(periodError(() => previousPeriod('0001-01')).message).toMatch(/year must be between 0001 and 9999/);
  });

  it('refuses invalid periods', () => {
    expect(periodError(() => nextPeriod('2026-13')).message).toBe('invalid period "2026-13": month must be 01–12');
    expect(periodError(() => previousPeriod('nope')).message).toBe('invalid period "nope": expected YYYY-MM, e.g. "2026-11"');
  });
});

describe('monthBounds', () => {
  it.each([
    // Examples from the brief.
    ['2026-11', 'Europe/Paris', '2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z'],
    ['2026-03', 'America/New_York', '2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z'],
    // Months containing a DST change start and end at different offsets.
    ['2026-03', 'Europe/Paris', '2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'],
    ['2026-10', 'Europe/Paris', '2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z'],
    ['2026-11', 'America/New_York', '2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z'],
    // Southern hemisphere: DST ends in April, starts in October.
    ['2026-04', 'Australia/Sydney', '2026-03-31T13:00:00.000Z', '2026-04-30T14:00:00.000Z'],
    ['2026-10', 'Australia/Sydney', '2026-09-30T14:00:00.000Z', '2026-10-31T13:00:00.000Z'],
    ['2027-01', 'Australia/Sydney', '2026-12-31T13:00:00.000Z', '2027-01-31T13:00:00.000Z'],
    // Half- and quarter-hour offsets.
    ['2026-01', 'Asia/Kolkata', '2025-12-31T18:30:00.000Z', '2026-01-31T18:30:00.000Z'],
    ['2026-06', 'Asia/Kathmandu', '2026-05-31T18:15:00.000Z', '2026-06-30T18:15:00.000Z'],
    // UTC, leap and common Februaries, year end.
    ['2026-02', 'UTC', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ['2028-02', 'UTC', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
    ['2026-12', 'UTC', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['2026-12', 'Europe/Paris', '2026-11-30T23:00:00.000Z', '2026-12-31T23:00:00.000Z'],
  ])('%s in %s', (period, zone, start, end) => {
    expect(bounds(period, zone)).toEqual([start, end]);
  });

  it('has DST-length months in the zone', () => {
    const length = (period: string, zone: string): number => {
      const { start, end } = monthBounds(period, zone);
      return end.getTime() - start.getTime();
    };
    expect(length('2026-03', 'Europe/Paris')).toBe(31 * DAY - HOUR);
    expect(length('2026-10', 'Europe/Paris')).toBe(31 * DAY + HOUR);
    expect(length('2026-11', 'America/New_York')).toBe(30 * DAY + HOUR);
    expect(length('2026-04', 'Australia/Sydney')).toBe(30 * DAY + HOUR);
    expect(length('2026-10', 'Australia/Sydney')).toBe(31 * DAY - HOUR);
    expect(length('2026-02', 'Asia/Kolkata')).toBe(28 * DAY);
  });

  it('starts where local midnight is skipped (America/Asuncion, 2023-10-01 00:00 → 01:00)', () => {
    expect(bounds('2023-10', 'America/Asuncion')).toEqual(['2023-10-01T04:00:00.000Z', '2023-11-01T03:00:00.000Z']);
    expect(bounds('2023-09', 'America/Asuncion')[1]).toBe('2023-10-01T04:00:00.000Z');
    expect(localDateTime(monthBounds('2023-10', 'America/Asuncion').start, 'America/Asuncion')).toBe('2023-10-01T01:00:00-03:00');
  });

  it('starts at the first of two local midnights (America/Havana, 2026-11-01 01:00 → 00:00)', () => {
    expect(bounds('2026-11', 'America/Havana')).toEqual(['2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z']);
    expect(bounds('2026-10', 'America/Havana')[1]).toBe('2026-11-01T04:00:00.000Z');
    // The second midnight, an hour later, already belongs to November.
    expect(periodOf(at('2026-11-01T05:00:00Z'), 'America/Havana')).toBe('2026-11');
  });

  it('handles the extreme years', () => {
    expect(bounds('0001-01', 'UTC')).toEqual(['0001-01-01T00:00:00.000Z', '0001-02-01T00:00:00.000Z']);
    expect(bounds('9999-12', 'UTC')).toEqual(['9999-12-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z']);
  });

  it('tiles time: each month ends where the next starts, across many zones and years', () => {
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'America/Havana', 'America/Santiago', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Beirut'];
    for (const zone of zones) {
      let period = '2024-01';
      while (period !== '2028-01') {
        const { start, end } = monthBounds(period, zone);
        const next = nextPeriod(period);
        expect(monthBounds(next, zone).start).toEqual(end);
        expect(periodOf(start, zone)).toBe(period);
        expect(periodOf(new Date(end.getTime() - 1), zone)).toBe(period);
        expect(periodOf(new Date(start.getTime() - 1), zone)).toBe(previousPeriod(period));
        expect(periodOf(end, zone)).toBe(next);
        period = next;
      }
    }
  });

  it('refuses bad periods and zones', () => {
    expect(periodError(() => monthBounds('2026-13', 'UTC')).message).toBe('invalid period "2026-13": month must be 01–12');
    expect(periodError(() => monthBounds('2026-11', 'Mars/Olympus_Mons')).message).toBe('unknown time zone "Mars/Olympus_Mons"');
    expect(periodError(() => monthBounds('2026-11', '')).message).toBe('unknown time zone ""');
    expect(periodError(() => monthBounds('2026-11', undefined as unknown as string)).message).toBe('unknown time zone undefined');
  });
});

describe('periodOf', () => {
  it.each([
    // Example from the brief.
    ['2026-11-30T23:30:00.000Z', 'Europe/Paris', '2026-12'],
    // 23:59:59.999 local on the last day belongs to the month; 00:00:00.000 the next day does not.
    ['2026-11-30T22:59:59.999Z', 'Europe/Paris', '2026-11'],
    ['2026-11-30T23:00:00.000Z', 'Europe/Paris', '2026-12'],
    ['2026-03-31T21:59:59.999Z', 'Europe/Paris', '2026-03'],
    ['2026-03-31T22:00:00.000Z', 'Europe/Paris', '2026-04'],
    ['2026-04-01T03:59:59.999Z', 'America/New_York', '2026-03'],
    ['2026-04-01T04:00:00.000Z', 'America/New_York', '2026-04'],
    ['2026-03-31T12:59:59.999Z', 'Australia/Sydney', '2026-03'],
    ['2026-03-31T13:00:00.000Z', 'Australia/Sydney', '2026-04'],
    ['2026-01-31T18:29:59.999Z', 'Asia/Kolkata', '2026-01'],
    ['2026-01-31T18:30:00.000Z', 'Asia/Kolkata', '2026-02'],
    ['2026-12-31T23:59:59.999Z', 'UTC', '2026-12'],
    ['2027-01-01T00:00:00.000Z', 'UTC', '2027-01'],
    // Same instant, different months in different zones.
    ['2026-12-31T20:00:00.000Z', 'America/New_York', '2026-12'],
    ['2026-12-31T20:00:00.000Z', 'Australia/Sydney', '2027-01'],
    // Before 1970.
    ['1969-12-31T23:59:59.999Z', 'UTC', '1969-12'],
  ])('%s in %s → %s', (instant, zone, period) => {
    expect(periodOf(at(instant), zone)).toBe(period);
  });

  it('refuses invalid dates and zones', () => {
    expect(periodError(() => periodOf(new Date(Number.NaN), 'UTC')).message).toBe('invalid instant Invalid Date: expected a valid Date');
    expect(periodError(() => periodOf('2026-01-01' as unknown as Date, 'UTC')).message).toMatch(/invalid instant 2026-01-01: expected a valid Date/);
    expect(periodError(() => periodOf(at('2026-01-01T00:00:00Z'), 'Nowhere')).message).toBe('unknown time zone "Nowhere"');
  });

  it('refuses instants whose local year is outside 0001–9999', () => {
    expect(periodError(() => periodOf(at('0001-01-01T03:00:00Z'), 'America/New_York')).message).toMatch(/year must be between 0001 and 9999/);
    expect(periodError(() => periodOf(at('+010000-01-01T00:00:00Z'), 'UTC')).message).toMatch(/year must be between 0001 and 9999/);
  });
});

describe('localDateTime', () => {
  it.each([
    // Example from the brief.
    ['2026-10-31T23:00:00.000Z', 'Europe/Paris', '2026-11-01T00:00:00+01:00'],
    // Europe/Paris spring forward 2026-03-29: 02:00 CET does not exist.
    ['2026-03-29T00:59:59.000Z', 'Europe/Paris', '2026-03-29T01:59:59+01:00'],
    ['2026-03-29T00:59:59.999Z', 'Europe/Paris', '2026-03-29T01:59:59.999+01:00'],
    ['2026-03-29T01:00:00.000Z', 'Europe/Paris', '2026-03-29T03:00:00+02:00'],
    // Europe/Paris fall back 2026-10-25: 02:30 happens twice.
    ['2026-10-25T00:30:00.000Z', 'Europe/Paris', '2026-10-25T02:30:00+02:00'],
    ['2026-10-25T00:59:59.000Z', 'Europe/Paris', '2026-10-25T02:59:59+02:00'],
    ['2026-10-25T01:00:00.000Z', 'Europe/Paris', '2026-10-25T02:00:00+01:00'],
    ['2026-10-25T01:30:00.000Z', 'Europe/Paris', '2026-10-25T02:30:00+01:00'],
    // America/New_York 2026-03-08 and 2026-11-01.
    ['2026-03-08T06:59:59.000Z', 'America/New_York', '2026-03-08T01:59:59-05:00'],
    ['2026-03-08T07:00:00.000Z', 'America/New_York', '2026-03-08T03:00:00-04:00'],
    ['2026-11-01T05:30:00.000Z', 'America/New_York', '2026-11-01T01:30:00-04:00'],
    ['2026-11-01T06:30:00.000Z', 'America/New_York', '2026-11-01T01:30:00-05:00'],
    // Australia/Sydney 2026-04-05 (ends) and 2026-10-04 (starts).
    ['2026-04-04T15:59:59.000Z', 'Australia/Sydney', '2026-04-05T02:59:59+11:00'],
    ['2026-04-04T16:00:00.000Z', 'Australia/Sydney', '2026-04-05T02:00:00+10:00'],
    ['2026-10-03T15:59:59.000Z', 'Australia/Sydney', '2026-10-04T01:59:59+10:00'],
    ['2026-10-03T16:00:00.000Z', 'Australia/Sydney', '2026-10-04T03:00:00+11:00'],
    // Asia/Kolkata, Asia/Kathmandu, Pacific/Chatham, UTC and a negative half-hour zone.
    ['2025-12-31T18:30:00.000Z', 'Asia/Kolkata', '2026-01-01T00:00:00+05:30'],
    ['2026-06-15T12:00:00.000Z', 'Asia/Kathmandu', '2026-06-15T17:45:00+05:45'],
    ['2026-01-15T00:00:00.000Z', 'Pacific/Chatham', '2026-01-15T13:45:00+13:45'],
    ['2026-01-15T12:00:00.000Z', 'America/St_Johns', '2026-01-15T08:30:00-03:30'],
    ['2026-11-01T00:00:00.000Z', 'UTC', '2026-11-01T00:00:00+00:00'],
    ['2026-11-30T23:59:59.999Z', 'UTC', '2026-11-30T23:59:59.999+00:00'],
    ['2026-11-01T00:00:00.007Z', 'UTC', '2026-11-01T00:00:00.007+00:00'],
    // Before 1970: milliseconds of a negative epoch time.
    ['1969-12-31T23:59:59.250Z', 'UTC', '1969-12-31T23:59:59.250+00:00'],
    // Local mean time, before time zones: an offset with seconds.
    ['1900-01-01T00:00:00.000Z', 'Europe/Paris', '1900-01-01T00:09:21+00:09:21'],
  ])('%s in %s → %s', (instant, zone, text) => {
    expect(localDateTime(at(instant), zone)).toBe(text);
  });

  it('prints the same offset as Intl and parses back to the same instant, every hour of 2026', () => {
    const zones = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe', 'America/Havana'];
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2027, 0, 1);
    for (const zone of zones) {
      const oracle = offsetOracle(zone);
      const mismatches: string[] = [];
      // Every hour (+ a few ms), offset by 30 minutes in every other zone for half-hour changes.
      for (let ms = from + (zones.indexOf(zone) % 2) * (HOUR / 2); ms < to; ms += HOUR) {
        const instant = new Date(ms + 123);
        const text = localDateTime(instant, zone);
        if (text.slice(-6) !== oracle(instant) || new Date(text).getTime() !== instant.getTime()) mismatches.push(`${instant.toISOString()} ${text}`);
      }
      expect(mismatches).toEqual([]);
    }
  });

  it('refuses invalid dates and zones', () => {
    expect(periodError(() => localDateTime(new Date('nope'), 'UTC')).message).toBe('invalid instant Invalid Date: expected a valid Date');
    expect(periodError(() => localDateTime(at('2026-01-01T00:00:00Z'), 'Europe/Nowhere')).message).toBe('unknown time zone "Europe/Nowhere"');
  });
});

describe('zonedMidnight', () => {
  it.each([
    ['2026-11-01', 'Europe/Paris', '2026-10-31T23:00:00.000Z'],
    // Days of DST changes start at the old offset.
    ['2026-03-29', 'Europe/Paris', '2026-03-28T23:00:00.000Z'],
    ['2026-03-30', 'Europe/Paris', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', 'Europe/Paris', '2026-10-24T22:00:00.000Z'],
    ['2026-10-26', 'Europe/Paris', '2026-10-25T23:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['2026-03-09', 'America/New_York', '2026-03-09T04:00:00.000Z'],
    ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z'],
    ['2026-11-02', 'America/New_York', '2026-11-02T05:00:00.000Z'],
    ['2026-04-05', 'Australia/Sydney', '2026-04-04T13:00:00.000Z'],
    ['2026-04-06', 'Australia/Sydney', '2026-04-05T14:00:00.000Z'],
    ['2026-10-04', 'Australia/Sydney', '2026-10-03T14:00:00.000Z'],
    ['2026-10-05', 'Australia/Sydney', '2026-10-04T13:00:00.000Z'],
    ['2026-01-01', 'Asia/Kolkata', '2025-12-31T18:30:00.000Z'],
    ['2026-01-01', 'UTC', '2026-01-01T00:00:00.000Z'],
    ['2028-02-29', 'UTC', '2028-02-29T00:00:00.000Z'],
    ['0050-06-01', 'UTC', '0050-06-01T00:00:00.000Z'],
  ])('%s in %s → %s', (date, zone, instant) => {
    expect(midnight(date, zone)).toBe(instant);
  });

  it('gives days of 23 and 25 hours on DST changes', () => {
    const hours = (from: string, to: string, zone: string): number => (zonedMidnight(to, zone).getTime() - zonedMidnight(from, zone).getTime()) / HOUR;
    expect(hours('2026-03-29', '2026-03-30', 'Europe/Paris')).toBe(23);
    expect(hours('2026-10-25', '2026-10-26', 'Europe/Paris')).toBe(25);
    expect(hours('2026-03-08', '2026-03-09', 'America/New_York')).toBe(23);
    expect(hours('2026-11-01', '2026-11-02', 'America/New_York')).toBe(25);
    expect(hours('2026-04-05', '2026-04-06', 'Australia/Sydney')).toBe(25);
    expect(hours('2026-10-04', '2026-10-05', 'Australia/Sydney')).toBe(23);
    // Lord Howe Island shifts by half an hour.
    expect(hours('2026-04-05', '2026-04-06', 'Australia/Lord_Howe')).toBe(24.5);
  });

  it('is the first instant of the day when midnight is skipped', () => {
    // America/Santiago 2026-09-06: 00:00 -04 → 01:00 -03.
    expect(midnight('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
    expect(localDateTime(zonedMidnight('2026-09-06', 'America/Santiago'), 'America/Santiago')).toBe('2026-09-06T01:00:00-03:00');
    expect(periodOf(at('2026-09-06T03:59:59.999Z'), 'America/Santiago')).toBe('2026-09');
    expect(localDateTime(at('2026-09-06T03:59:59.999Z'), 'America/Santiago')).toBe('2026-09-05T23:59:59.999-04:00');
    // Asia/Beirut 2026-03-29: 00:00 +02 → 01:00 +03.
    expect(midnight('2026-03-29', 'Asia/Beirut')).toBe('2026-03-28T22:00:00.000Z');
    // Cuba 2026-03-08: 00:00 -05 → 01:00 -04.
    expect(midnight('2026-03-08', 'America/Havana')).toBe('2026-03-08T05:00:00.000Z');
  });

  it('is the first of two midnights when midnight repeats', () => {
    // America/Havana 2026-11-01: 01:00 -04 → 00:00 -05, so 00:00 local happens at 04:00Z and 05:00Z.
    expect(midnight('2026-11-01', 'America/Havana')).toBe('2026-11-01T04:00:00.000Z');
    expect(localDateTime(at('2026-11-01T04:00:00Z'), 'America/Havana')).toBe('2026-11-01T00:00:00-04:00');
    expect(localDateTime(at('2026-11-01T05:00:00Z'), 'America/Havana')).toBe('2026-11-01T00:00:00-05:00');
  });

  it('gives a day skipped entirely (Pacific/Apia, 2011-12-30) zero length', () => {
    expect(midnight('2011-12-30', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(midnight('2011-12-31', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(midnight('2011-12-29', 'Pacific/Apia')).toBe('2011-12-29T10:00:00.000Z');
    expect(bounds('2011-12', 'Pacific/Apia')).toEqual(['2011-12-01T10:00:00.000Z', '2011-12-31T10:00:00.000Z']);
  });

  it.each([
    ['2026-02-29', 'invalid date "2026-02-29": no such day in 2026-02'],
    ['2026-04-31', 'invalid date "2026-04-31": no such day in 2026-04'],
    ['2026-01-00', 'invalid date "2026-01-00": no such day in 2026-01'],
    ['2026-13-01', 'invalid date "2026-13-01": month must be 01–12'],
    ['0000-01-01', 'invalid date "0000-01-01": year must be between 0001 and 9999'],
    ['2026-1-1', 'invalid date "2026-1-1": expected YYYY-MM-DD, e.g. "2026-11-01"'],
    ['2026-11', 'invalid date "2026-11": expected YYYY-MM-DD, e.g. "2026-11-01"'],
    ['2026-11-01T00:00', 'invalid date "2026-11-01T00:00": expected YYYY-MM-DD, e.g. "2026-11-01"'],
  ])('refuses %j', (date, message) => {
    expect(periodError(() => zonedMidnight(date, 'UTC')).message).toBe(message);
  });

  it('refuses unknown zones', () => {
    expect(periodError(() => zonedMidnight('2026-11-01', 'Europe/Atlantis')).message).toBe('unknown time zone "Europe/Atlantis"');
  });
});
