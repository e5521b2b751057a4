import type { WhenKind } from '../../../common/domain/vocabulary.js';
import {
  addDays,
  dayOfWeek,
  daysBetween,
  daysInMonth,
  formatDate,
  parseDate,
  WEEKDAY_NAMES_DE,
} from './calendar-date.js';
import { holidayName } from './holidays.js';

/**
 * The AGG deadlines as a pure function of the case facts, the configured periods and "today".
 *
 * This is a counselling aid: it tells counsellors when to act, it is not legal advice. Where the
 * facts do not pin down a start day it says "unclear — ask" rather than guess a date that could
 * lull someone into missing the real one.
 */

/** Days before the due date from which a deadline counts as "due soon" in work lists. */
export const DUE_SOON_DAYS = 14;

/**
 * Where the period starts from the moment the person learned of the discrimination (AGG §15(4):
 * "Kenntnis"; for an applicant, receipt of the rejection). All other areas with a period are the
 * civil-law areas of AGG §21(5), where it starts when the claim arose, i.e. the incident itself.
 */
const KNOWLEDGE_BASED_AREAS: ReadonlySet<string> = new Set(['employment']);

export interface DeadlineInput {
  lifeArea: string;
  whenKind: WhenKind;
  /** the incident date; for 'month' the first day of that month */
  startDate: string | null;
  /** when the person learned of it; only counts for employment */
  learnedOn?: string | null;
  /** months per life area; an area without an entry has no AGG deadline */
  periods: Readonly<Record<string, number>>;
  /** ISO 3166-2 code of the Land whose holidays count for §193 BGB */
  region: string;
  /** the current calendar date in Europe/Berlin */
  today: string;
}

export type UnclearReason = 'approximate' | 'ongoing' | 'month_only' | 'missing_date';
export type DeadlineStatus = 'open' | 'due_soon' | 'passed';

export type DeadlineResult =
  | { kind: 'none' }
  | {
      kind: 'unclear';
      reason: UnclearReason;
      /** month-only: the due date if it happened on the 1st — the earliest the deadline can be */
      earliest?: string;
    }
  | {
      kind: 'date';
      /** the day of the event the period counts from (not itself counted, §187 Abs. 1 BGB) */
      start: string;
      /** the end of the period before §193 BGB */
      periodEnd: string;
      /** the last day to act, after §193 BGB */
      due: string;
      /** due − today in calendar days; negative once passed */
      daysLeft: number;
      status: DeadlineStatus;
      /** why periodEnd moved to due: the holiday's name, else 'Samstag'/'Sonntag' */
      shiftedBecause?: string;
    };

/**
 * End of a period of `months` months that starts with an event on `date` (§188 Abs. 2, 3 BGB).
 *
 * §187 Abs. 1: the day of the event is not counted, so the period ends at the end of the day with
 * the same number in the final month ("two months from 15 March" ends on 15 May). Returning that
 * same-numbered day is therefore the complete rule, not an off-by-one. When the final month is too
 * short (31 January + 1 month), the period ends on its last day (§188 Abs. 3).
 */
export function addMonths(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`Months must be an integer: ${months}`);
  const { year, month, day } = parseDate(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return formatDate({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) });
}

function nonWorkingReason(date: string, region: string): string | undefined {
  const holiday = holidayName(date, region);
  if (holiday !== undefined) return holiday;
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6 ? WEEKDAY_NAMES_DE[dow] : undefined;
}

/** Monday to Friday and not a public holiday in `region` (§193 BGB treats Saturday as non-working). */
export function isWorkingDay(date: string, region: string): boolean {
  return nonWorkingReason(date, region) === undefined;
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: string, region: string): string {
  let d = addDays(date, 1);
  while (!isWorkingDay(d, region)) d = addDays(d, 1);
  return d;
}

/**
 * §193 BGB: a period whose last day is a Saturday, Sunday or public holiday at the place of
 * performance ends on the next working day instead. `date` itself when it is a working day.
 */
export function applyBgb193(date: string, region: string): string {
  return isWorkingDay(date, region) ? date : nextWorkingDay(date, region);
}

/** The days to remind on: `daysBefore` days before `due` each, earliest first, without repeats. */
export function reminderDates(due: string, daysBefore: readonly number[]): string[] {
  const dates = new Set<string>();
  for (const n of daysBefore) {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`Reminder offset must be a whole number ≥ 0: ${n}`);
    }
    dates.add(addDays(due, -n));
  }
  return [...dates].sort();
}

function statusOf(daysLeft: number): DeadlineStatus {
  if (daysLeft < 0) return 'passed';
  return daysLeft <= DUE_SOON_DAYS ? 'due_soon' : 'open';
}

function periodOf(input: DeadlineInput): number | undefined {
  if (!Object.hasOwn(input.periods, input.lifeArea)) return undefined;
  const months = input.periods[input.lifeArea];
  // a broken setting must not silently produce a wrong deadline
  if (!Number.isInteger(months) || months < 1) {
    throw new RangeError(
      `Deadline period for '${input.lifeArea}' must be a whole number of months ≥ 1: ${months}`,
    );
  }
  return months;
}

function dueFrom(start: string, months: number, region: string) {
  const periodEnd = addMonths(start, months);
  const due = applyBgb193(periodEnd, region);
  return {
    periodEnd,
    due,
    shiftedBecause: due === periodEnd ? undefined : nonWorkingReason(periodEnd, region),
  };
}

/**
 * Which date the period counts from, or why there is none.
 *
 * Employment: a known `learnedOn` decides on its own, whatever is known about the incident date —
 * except for ongoing discrimination, where the period does not start before the last act.
 * Civil law (§21(5)): only an exact incident date will do.
 */
function startOf(input: DeadlineInput): { start: string } | { reason: UnclearReason } {
  if (input.whenKind === 'ongoing') return { reason: 'ongoing' };
  if (KNOWLEDGE_BASED_AREAS.has(input.lifeArea) && input.learnedOn) return { start: input.learnedOn };
  switch (input.whenKind) {
    case 'date':
      return input.startDate ? { start: input.startDate } : { reason: 'missing_date' };
    case 'month':
      return { reason: input.startDate ? 'month_only' : 'missing_date' };
    case 'approximate':
      return { reason: 'approximate' };
    default:
      throw new RangeError(`Unknown whenKind: ${String(input.whenKind)}`);
  }
}

export function computeDeadline(input: DeadlineInput): DeadlineResult {
  // validate up front so bad data fails the same way whichever branch is taken
  parseDate(input.today);
  if (input.startDate) parseDate(input.startDate);
  if (input.learnedOn) parseDate(input.learnedOn);
  holidayName(input.today, input.region);

  const months = periodOf(input);
  if (months === undefined) return { kind: 'none' };

  const from = startOf(input);
  if ('reason' in from) {
    if (from.reason === 'month_only' && input.startDate) {
      // counted from the 1st, the real deadline can only be the same or later: safe as a warning
      const first = formatDate({ ...parseDate(input.startDate), day: 1 });
      return { kind: 'unclear', reason: 'month_only', earliest: dueFrom(first, months, input.region).due };
    }
    return { kind: 'unclear', reason: from.reason };
  }

  const { periodEnd, due, shiftedBecause } = dueFrom(from.start, months, input.region);
  const daysLeft = daysBetween(input.today, due);
  return {
    kind: 'date',
    start: from.start,
    periodEnd,
    due,
    daysLeft,
    status: statusOf(daysLeft),
    ...(shiftedBecause !== undefined && { shiftedBecause }),
  };
}
