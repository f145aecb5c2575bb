/**
 * The stats section's date range and its Vietnam days. A range is two calendar days of Vietnam time
 * (UTC+7, no daylight saving) as `YYYY-MM-DD`, both inclusive; the default is the 30 days ending
 * today (Vietnam). More than MAX_DAYS days, a day that does not exist, or `from` after `to` is a
 * StatsRangeError (the API answers 400). The SQL fragments put the same days into queries: rows are
 * grouped by the Vietnam day of their timestamp, and a range covers [from 00:00, to + 1 00:00) +07:00.
 */
export const MAX_DAYS = 366;
export const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;
const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Vietnam's fixed offset, as PostgreSQL reads it in `AT TIME ZONE` (an interval: east is positive). */
export const VIETNAM_ZONE_SQL = "interval '+07:00'";

export class StatsRangeError extends Error {}

export interface DayRange {
  from: string;
  to: string;
  /** Every day of the range, in order. */
  days: string[];
}

/** The Vietnam calendar day of an instant. */
export function vietnamDay(at: Date): string {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function parseDay(value: string, name: string): number {
  const ms = ISO_DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || dayOf(ms) !== value)
    throw new StatsRangeError(`${name}: expected an existing day as YYYY-MM-DD`);
  return ms;
}

function given(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new StatsRangeError(`${name}: give one day`);
  return value;
}

/** The range of `?from=&to=` (either may be left out), at the instant `now`. */
export function parseRange(query: { from?: unknown; to?: unknown }, now: Date): DayRange {
  const fromText = given(query.from, 'from');
  const toText = given(query.to, 'to');
  const to = toText === undefined ? parseDay(vietnamDay(now), 'to') : parseDay(toText, 'to');
  const from = fromText === undefined ? to - (DEFAULT_DAYS - 1) * DAY_MS : parseDay(fromText, 'from');
  if (from > to) throw new StatsRangeError('from must not be after to');
  const count = Math.round((to - from) / DAY_MS) + 1;
  if (count > MAX_DAYS) throw new StatsRangeError(`at most ${MAX_DAYS} days`);
  const days = Array.from({ length: count }, (_, i) => dayOf(from + i * DAY_MS));
  return { from: dayOf(from), to: dayOf(to), days };
}

/** SQL: the Vietnam day of a timestamptz expression, as text `YYYY-MM-DD`. */
export const vietnamDaySql = (column: string): string =>
  `to_char(${column} AT TIME ZONE ${VIETNAM_ZONE_SQL}, 'YYYY-MM-DD')`;

/**
 * SQL: a timestamptz expression within the range's Vietnam days, the first and last day given as
 * `date` parameters (default $1 and $2).
 */
export const withinDaysSql = (column: string, from = '$1', to = '$2'): string =>
  `${column} >= ${from}::date::timestamp AT TIME ZONE ${VIETNAM_ZONE_SQL}` +
  ` AND ${column} < (${to}::date + 1)::timestamp AT TIME ZONE ${VIETNAM_ZONE_SQL}`;
