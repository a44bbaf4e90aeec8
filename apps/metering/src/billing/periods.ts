// Billing periods are calendar months in the partner's time zone. Zone offsets come from Intl
// (the runtime's ICU time zone data); there is no hand-written DST rule anywhere.

/** An invalid period, date, instant or time zone; the message says which and why. */
export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

export interface Period {
  year: number;
  month: number;
}

export interface PeriodBounds {
  /** First instant of the month in the zone (inclusive). */
  start: Date;
  /** First instant of the next month in the zone (exclusive). */
  end: Date;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const MIN_YEAR = 1;
const MAX_YEAR = 9999;
const SECOND_MS = 1000;
const DAY_MS = 86_400_000;
const PERIOD_PATTERN = /^(\d{4})-(\d{2})$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

// Building a DateTimeFormat is costly (ICU zone lookup); keep one per zone string.
const MAX_CACHED_FORMATTERS = 500;
const formatters = new Map<string, Intl.DateTimeFormat>();

function createFormatter(timeZone: string): Intl.DateTimeFormat {
  // Explicit Gregorian calendar and Latin digits whatever the host locale; h23 because `hour12: false`
  // prints midnight as "24" on some ICU versions; era to tell 1 BC from AD 1.
  return new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
    timeZone,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached !== undefined) return cached;
  // `timeZone: undefined` would silently mean the host zone: only non-empty strings count.
  if (typeof timeZone !== 'string' || timeZone === '') throw new PeriodError(`unknown time zone ${JSON.stringify(timeZone)}`);
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = createFormatter(timeZone);
  } catch {
    throw new PeriodError(`unknown time zone ${JSON.stringify(timeZone)}`);
  }
  if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
  formatters.set(timeZone, formatter);
  return formatter;
}

/** True when Intl knows the zone (IANA names and their aliases, case-insensitively, e.g. "Europe/Paris", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function pad(value: number, length = 2): string {
  return String(value).padStart(length, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs({ year, month: month + 1, day: 0, hour: 0, minute: 0, second: 0 })).getUTCDate();
}

// Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not. Out-of-range fields roll over.
function utcMs(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return date.getTime();
}

function checkYear(year: number, source: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR) throw new PeriodError(`${source}: year must be between 0001 and 9999`);
}

function checkInstant(instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new PeriodError(`invalid instant ${String(instant)}: expected a valid Date`);
  return ms;
}

// Local wall-clock fields of the whole second containing `ms`.
function wallTimeAt(ms: number, timeZone: string): WallTime {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) fields[part.type] = part.value;
  const yearOfEra = Number(fields['year']);
  return {
    year: fields['era'] === 'BC' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields['month']),
    day: Number(fields['day']),
    hour: Number(fields['hour']),
    minute: Number(fields['minute']),
    second: Number(fields['second']),
  };
}

function floorToSecond(ms: number): number {
  return ms - (((ms % SECOND_MS) + SECOND_MS) % SECOND_MS);
}

// offset = wall clock read as if it were UTC − the instant (both at whole seconds, as Intl prints no ms).
function offsetMs(ms: number, timeZone: string): number {
  const second = floorToSecond(ms);
  return utcMs(wallTimeAt(second, timeZone)) - second;
}

/**
 * The first instant whose local wall time is at or after `wall`: the earlier of the two instants
 * when the wall time repeats (fall back), the transition itself when the wall time is skipped
 * (spring forward). Candidate offsets are the ones a day before and after, as in Temporal: no
 * zone changes its offset twice within two days.
 */
function firstInstantAtOrAfter(wall: WallTime, timeZone: string): number {
  const naive = utcMs(wall);
  const before = offsetMs(naive - DAY_MS, timeZone);
  const after = offsetMs(naive + DAY_MS, timeZone);
  const valid = [...new Set([before, after])].map((offset) => naive - offset).filter((ms) => ms + offsetMs(ms, timeZone) === naive);
  if (valid.length > 0) return Math.min(...valid);
  if (after <= before) throw new PeriodError(`cannot resolve local time ${wallText(wall)} in ${timeZone}`);
  // Skipped wall time: binary search (by whole seconds) for the first instant that reads later than it.
  let low = naive - after; // reads earlier than `wall`
  let high = naive - before; // reads later than `wall`
  while (high - low > SECOND_MS) {
    const middle = floorToSecond(low + (high - low) / 2);
    if (middle + offsetMs(middle, timeZone) >= naive) high = middle;
    else low = middle;
  }
  return high;
}

function wallText(wall: WallTime): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}

/** Parses "YYYY-MM" (months 01–12, years 0001–9999); throws PeriodError otherwise. */
export function parsePeriod(period: string): Period {
  const match = typeof period === 'string' ? PERIOD_PATTERN.exec(period) : null;
  if (match === null) throw new PeriodError(`invalid period ${JSON.stringify(period)}: expected YYYY-MM, e.g. "2026-11"`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  checkYear(year, `invalid period ${JSON.stringify(period)}`);
  if (month < 1 || month > 12) throw new PeriodError(`invalid period ${JSON.stringify(period)}: month must be 01–12`);
  return { year, month };
}

/** { year: 2026, month: 3 } → "2026-03". */
export function formatPeriod(period: Period): string {
  const { year, month } = period;
  if (!Number.isInteger(year) || !Number.isInteger(month)) throw new PeriodError(`invalid period ${year}-${month}: year and month must be integers`);
  checkYear(year, `invalid period ${year}-${month}`);
  if (month < 1 || month > 12) throw new PeriodError(`invalid period ${year}-${month}: month must be 1–12`);
  return `${pad(year, 4)}-${pad(month)}`;
}

export function nextPeriod(period: string): string {
  const { year, month } = parsePeriod(period);
  return formatPeriod(month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 });
}

export function previousPeriod(period: string): string {
  const { year, month } = parsePeriod(period);
  return formatPeriod(month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 });
}

/**
 * The instant local midnight starts `date` ("YYYY-MM-DD") in the zone; where midnight is skipped by
 * a DST change, the first instant of that day; where it happens twice, the first one.
 */
export function zonedMidnight(date: string, timeZone: string): Date {
  const match = typeof date === 'string' ? DATE_PATTERN.exec(date) : null;
  if (match === null) throw new PeriodError(`invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD, e.g. "2026-11-01"`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  checkYear(year, `invalid date ${JSON.stringify(date)}`);
  if (month < 1 || month > 12) throw new PeriodError(`invalid date ${JSON.stringify(date)}: month must be 01–12`);
  if (day < 1 || day > daysInMonth(year, month)) throw new PeriodError(`invalid date ${JSON.stringify(date)}: no such day in ${pad(year, 4)}-${pad(month)}`);
  formatterFor(timeZone);
  return new Date(firstInstantAtOrAfter({ year, month, day, hour: 0, minute: 0, second: 0 }, timeZone));
}

/** Half-open [start, end) instants of the calendar month in the zone. */
export function monthBounds(period: string, timeZone: string): PeriodBounds {
  const { year, month } = parsePeriod(period);
  formatterFor(timeZone);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const start = firstInstantAtOrAfter({ year, month, day: 1, hour: 0, minute: 0, second: 0 }, timeZone);
  // The end of 9999-12 is 10000-01-01, representable as a Date though not as a period.
  const end = firstInstantAtOrAfter({ ...next, day: 1, hour: 0, minute: 0, second: 0 }, timeZone);
  return { start: new Date(start), end: new Date(end) };
}

/** The "YYYY-MM" whose local calendar month contains the instant. */
export function periodOf(instant: Date, timeZone: string): string {
  const ms = checkInstant(instant);
  const wall = wallTimeAt(floorToSecond(ms), timeZone);
  checkYear(wall.year, `instant ${instant.toISOString()} in ${timeZone}`);
  return `${pad(wall.year, 4)}-${pad(wall.month)}`;
}

/**
 * Local wall time with its UTC offset, e.g. "2026-11-01T00:00:00+01:00" ("+00:00" for UTC).
 * Milliseconds appear only when non-zero ("…T23:59:59.999+01:00"); historic offsets with seconds
 * (local mean time before ~1900) print as "+00:09:21".
 */
export function localDateTime(instant: Date, timeZone: string): string {
  const ms = checkInstant(instant);
  const second = floorToSecond(ms);
  const wall = wallTimeAt(second, timeZone);
  checkYear(wall.year, `instant ${instant.toISOString()} in ${timeZone}`);
  const millis = ms - second;
  const offsetSeconds = (utcMs(wall) - second) / SECOND_MS;
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const offsetText = `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}${abs % 60 === 0 ? '' : `:${pad(abs % 60)}`}`;
  return `${wallText(wall)}${millis === 0 ? '' : `.${pad(millis, 3)}`}${offsetText}`;
}
