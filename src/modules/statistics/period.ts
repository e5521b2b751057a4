import { DomainError } from '../../common/errors/domain-error.js';

export class StatisticsError extends DomainError {}

export type PeriodKind = 'month' | 'quarter' | 'year';

/** A fixed statistics period: a calendar month, quarter or year (Europe/Berlin calendar days). */
export interface Period {
  kind: PeriodKind;
  /** canonical code: `2026-11`, `2026-Q3`, `2026` */
  code: string;
  /** first day, `YYYY-MM-DD` */
  from: string;
  /** first day after the period (exclusive), `YYYY-MM-DD` */
  to: string;
  /** neutral label: `11/2026`, `Q3 2026`, `2026` */
  label: string;
  /** code of the period before */
  previous: string;
  /** code of the same period a year earlier */
  sameLastYear: string;
  /** months of a quarter, quarters of a year; empty for a month */
  subperiods: string[];
}

/** The forms a period may take; named in the 400 answer. */
export const PERIOD_FORMS = 'YYYY-MM (month), YYYY-Qn (quarter), YYYY (year)';
const MIN_YEAR = 2000;
const MAX_YEAR = 9999;

const pad = (n: number): string => String(n).padStart(2, '0');
const day = (y: number, m: number): string => `${y}-${pad(m)}-01`;

function badPeriod(): StatisticsError {
  return new StatisticsError('bad_request', 'statistics.errors.period', { allowed: PERIOD_FORMS });
}

/** Today's calendar date in Europe/Berlin, `YYYY-MM-DD`. */
export function berlinToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

function monthCode(y: number, m: number): string {
  return `${y}-${pad(m)}`;
}

function build(kind: PeriodKind, y: number, n: number): Period {
  switch (kind) {
    case 'month': {
      const next = n === 12 ? { y: y + 1, m: 1 } : { y, m: n + 1 };
      const prev = n === 1 ? { y: y - 1, m: 12 } : { y, m: n - 1 };
      return {
        kind,
        code: monthCode(y, n),
        from: day(y, n),
        to: day(next.y, next.m),
        label: `${pad(n)}/${y}`,
        previous: monthCode(prev.y, prev.m),
        sameLastYear: monthCode(y - 1, n),
        subperiods: [],
      };
    }
    case 'quarter': {
      const firstMonth = (n - 1) * 3 + 1;
      const next = n === 4 ? { y: y + 1, m: 1 } : { y, m: firstMonth + 3 };
      return {
        kind,
        code: `${y}-Q${n}`,
        from: day(y, firstMonth),
        to: day(next.y, next.m),
        label: `Q${n} ${y}`,
        previous: n === 1 ? `${y - 1}-Q4` : `${y}-Q${n - 1}`,
        sameLastYear: `${y - 1}-Q${n}`,
        subperiods: [0, 1, 2].map((i) => monthCode(y, firstMonth + i)),
      };
    }
    case 'year':
      return {
        kind,
        code: String(y),
        from: day(y, 1),
        to: day(y + 1, 1),
        label: String(y),
        previous: String(y - 1),
        sameLastYear: String(y - 1),
        subperiods: [1, 2, 3, 4].map((q) => `${y}-Q${q}`),
      };
  }
}

/** Parses the syntax only (no "has started" check); throws `bad_request` on anything else. */
export function periodFromCode(raw: unknown): Period {
  if (typeof raw !== 'string') throw badPeriod();
  let m = /^(\d{4})-(\d{2})$/.exec(raw);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw badPeriod();
    return checkYear(build('month', Number(m[1]), month));
  }
  m = /^(\d{4})-Q([1-4])$/.exec(raw);
  if (m) return checkYear(build('quarter', Number(m[1]), Number(m[2])));
  m = /^(\d{4})$/.exec(raw);
  if (m) return checkYear(build('year', Number(m[1]), 0));
  throw badPeriod();
}

function checkYear(p: Period): Period {
  const y = Number(p.from.slice(0, 4));
  if (y < MIN_YEAR || y > MAX_YEAR) throw badPeriod();
  return p;
}

/**
 * A period as requested: `2026-11`, `2026-Q3` or `2026`, which must have started (the current, not yet
 * finished period is allowed; future periods are not). Anything else is `bad_request` naming the forms.
 */
export function parsePeriod(raw: unknown, now: Date = new Date()): Period {
  const p = periodFromCode(raw);
  if (p.from > berlinToday(now)) throw badPeriod();
  return p;
}

/** The last quarter that has ended (the default period). */
export function lastCompleteQuarter(now: Date = new Date()): Period {
  const today = berlinToday(now);
  const y = Number(today.slice(0, 4));
  const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  return q === 1 ? build('quarter', y - 1, 4) : build('quarter', y, q - 1);
}

/** Every period that has started, from `fromYear` on, newest first: years, quarters and months. */
export function startedPeriods(
  fromYear: number,
  now: Date = new Date(),
): { years: string[]; quarters: string[]; months: string[] } {
  const today = berlinToday(now);
  const thisYear = Number(today.slice(0, 4));
  const start = Math.min(Math.max(MIN_YEAR, fromYear), thisYear);
  const years: string[] = [];
  const quarters: string[] = [];
  const months: string[] = [];
  for (let y = thisYear; y >= start; y--) {
    years.push(String(y));
    for (let q = 4; q >= 1; q--) if (build('quarter', y, q).from <= today) quarters.push(`${y}-Q${q}`);
    for (let m = 12; m >= 1; m--) if (day(y, m) <= today) months.push(monthCode(y, m));
  }
  return { years, quarters, months };
}

/** First days (`YYYY-MM-DD`) of the Berlin months a period covers. */
export function monthsOf(period: Period): string[] {
  const out: string[] = [];
  let [y, m] = period.from.split('-').map(Number);
  for (;;) {
    const first = day(y, m);
    if (first >= period.to) return out;
    out.push(first);
    m++;
    if (m === 13) [y, m] = [y + 1, 1];
  }
}

/**
 * Every month whose data a release of `period` reads: the period itself, the previous period and the
 * same period a year earlier (their key figures are compared).
 */
export function releaseMonths(period: Period): string[] {
  const all = [period, periodFromCode(period.previous), periodFromCode(period.sameLastYear)].flatMap(
    monthsOf,
  );
  return [...new Set(all)].sort();
}
