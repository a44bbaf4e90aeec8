import { isIsoTimestamp, DomainException, ErrorCode } from '@streamgate/contracts';
import { PeriodError, isTimeZone, monthBounds, parsePeriod, zonedMidnight } from '../billing';

export const GRANULARITIES = ['minute', 'hour', 'day', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface UsageQuery {
  from: Date;
  to: Date;
  partner?: string;
  stream?: string;
  granularity: Granularity;
  /** Overrides each partner's own time zone for the periods. */
  tz?: string;
  /** A billing month: each partner's rows are cut to that month in its own time zone (or `tz`). */
  period?: { year: number; month: number };
}

const DAY = 86_400_000;

/** Reads the report query string; `from`/`to` are ISO instants, or dates at midnight in `tz` (UTC without). */
export function parseUsageQuery(query: Record<string, unknown>, now = new Date()): UsageQuery {
  const problems: string[] = [];
  const text = (key: string) => (typeof query[key] === 'string' && query[key] !== '' ? (query[key] as string) : undefined);
  const tz = text('tz');
  if (tz !== undefined && !isTimeZone(tz)) problems.push('tz must be an IANA time zone such as Europe/Paris');
  const granularity = (text('granularity') ?? 'day') as Granularity;
  if (!GRANULARITIES.includes(granularity)) problems.push(`granularity must be one of ${GRANULARITIES.join(', ')}`);
  const instant = (key: string, fallback: Date): Date => {
    const value = text(key);
    if (value === undefined) return fallback;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return zonedMidnight(value, tz && isTimeZone(tz) ? tz : 'UTC');
    if (!isIsoTimestamp(value)) {
      problems.push(`${key} must be an ISO-8601 instant or a YYYY-MM-DD date`);
      return fallback;
    }
    return new Date(value);
  };
  const periodText = text('period');
  let period: UsageQuery['period'];
  if (periodText !== undefined) {
    try {
      period = parsePeriod(periodText);
    } catch (error) {
      if (!(error instanceof PeriodError)) throw error;
      problems.push(error.message);
    }
  }
  // With a period, from/to only pre-filter: the widest bounds of that month in any time zone.
  const to = period ? monthBounds(periodText as string, 'Etc/GMT+12').end : instant('to', now);
  const from = period ? monthBounds(periodText as string, 'Etc/GMT-14').start : instant('from', new Date(to.getTime() - 31 * DAY));
  if (from.getTime() >= to.getTime()) problems.push('from must be before to');
  if (to.getTime() - from.getTime() > 400 * DAY) problems.push('at most 400 days per query');
  if (granularity === 'minute' && to.getTime() - from.getTime() > 7 * DAY) problems.push('minute granularity covers at most 7 days');
  if (problems.length > 0) throw new DomainException(ErrorCode.InvalidQuery, problems.join('; '));
  return { from, to, partner: text('partner'), stream: text('stream'), granularity, tz, period };
}
