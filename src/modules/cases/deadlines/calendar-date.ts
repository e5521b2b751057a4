/**
 * Calendar dates as 'YYYY-MM-DD' strings, computed on integers only.
 *
 * Deadlines are legal calendar days in Germany, not instants: going through `Date` in local time
 * would let a DST switch or the server's time zone move a day. Day numbers (days since
 * 1970-01-01 in the proleptic Gregorian calendar) follow Howard Hinnant's civil-date algorithms,
 * so leap years (1900 no, 2000 yes) fall out of the arithmetic rather than a library.
 */

export interface YMD {
  year: number;
  month: number;
  day: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Strict: rejects '2026-02-30', '2026-2-3' and anything with a time part, so bad data fails loudly. */
export function parseDate(date: string): YMD {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${String(date)}`);
  const ymd = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (
    ymd.year < 1 ||
    ymd.month < 1 ||
    ymd.month > 12 ||
    ymd.day < 1 ||
    ymd.day > daysInMonth(ymd.year, ymd.month)
  ) {
    throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return ymd;
}

export function isValidDate(date: string): boolean {
  try {
    parseDate(date);
    return true;
  } catch {
    return false;
  }
}

export function formatDate({ year, month, day }: YMD): string {
  if (year < 1 || year > 9999) throw new RangeError(`Year out of range 1–9999: ${year}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function dayNumberOf({ year, month, day }: YMD): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function ymdOfDayNumber(n: number): YMD {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`Days must be an integer: ${days}`);
  return formatDate(ymdOfDayNumber(dayNumberOf(parseDate(date)) + days));
}

/** Calendar days from `from` to `to`: positive when `to` is later, negative when earlier. */
export function daysBetween(from: string, to: string): number {
  return dayNumberOf(parseDate(to)) - dayNumberOf(parseDate(from));
}

/** 0 = Sunday … 6 = Saturday, like Date#getUTCDay. */
export function dayOfWeek(date: string): number {
  // 1970-01-01 (day 0) was a Thursday
  return (((dayNumberOf(parseDate(date)) + 4) % 7) + 7) % 7;
}

export const WEEKDAY_NAMES_DE = [
  'Sonntag',
  'Montag',
  'Dienstag',
  'Mittwoch',
  'Donnerstag',
  'Freitag',
  'Samstag',
] as const;
