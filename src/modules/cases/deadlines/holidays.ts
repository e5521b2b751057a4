import { addDays, dayOfWeek, formatDate, parseDate } from './calendar-date.js';

/**
 * Statutory public holidays per German Land (ISO 3166-2 code), computed from rules so that no
 * table has to be maintained per year.
 *
 * Scope: what §193 BGB needs, i.e. holidays that apply in the whole Land. Holidays that only apply
 * in some municipalities are left out on purpose, because a deadline engine configured per Land
 * cannot know the municipality and must not move a deadline that has not moved:
 * - DE-BY: Mariä Himmelfahrt (15.8.) only in predominantly Catholic municipalities; Augsburger
 *   Friedensfest (8.8.) only in Augsburg.
 * - DE-SN: Fronleichnam only in some Sorbian municipalities (Landkreis Bautzen).
 * - DE-TH: Fronleichnam only in parts of the Eichsfeld.
 * Leaving them out errs on the early side (the deadline is never shown later than it is).
 *
 * History is modelled only as far as it matters for current cases: the "since" years below and
 * the one-off holidays. Earlier rule changes (e.g. Buß- und Bettag nationwide until 1994) are not.
 */

export const SUPPORTED_REGIONS = [
  'DE-BW',
  'DE-BY',
  'DE-BE',
  'DE-BB',
  'DE-HB',
  'DE-HH',
  'DE-HE',
  'DE-MV',
  'DE-NI',
  'DE-NW',
  'DE-RP',
  'DE-SL',
  'DE-SN',
  'DE-ST',
  'DE-SH',
  'DE-TH',
] as const;
export type HolidayRegion = (typeof SUPPORTED_REGIONS)[number];

export function isSupportedRegion(region: string): region is HolidayRegion {
  return (SUPPORTED_REGIONS as readonly string[]).includes(region);
}

/** Anonymous Gregorian algorithm (Meeus/Jones/Butcher); valid for every Gregorian year. */
export function easterSunday(year: number): string {
  assertYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatDate({ year, month, day });
}

/** The Wednesday before 23 November, i.e. the one between 16 and 22 November. */
export function bussUndBettag(year: number): string {
  assertYear(year);
  const nov22 = formatDate({ year, month: 11, day: 22 });
  return addDays(nov22, -((dayOfWeek(nov22) - 3 + 7) % 7));
}

type Rule = (year: number, easter: string) => [date: string, name: string] | null;

const fixed =
  (month: number, day: number, name: string, since = 0): Rule =>
  (year) =>
    year >= since ? [formatDate({ year, month, day }), name] : null;
const easterOffset =
  (days: number, name: string): Rule =>
  (_year, easter) => [addDays(easter, days), name];

const NEUJAHR = fixed(1, 1, 'Neujahr');
const HEILIGE_DREI_KOENIGE = fixed(1, 6, 'Heilige Drei Könige');
const KARFREITAG = easterOffset(-2, 'Karfreitag');
const OSTERSONNTAG = easterOffset(0, 'Ostersonntag');
const OSTERMONTAG = easterOffset(1, 'Ostermontag');
const TAG_DER_ARBEIT = fixed(5, 1, 'Tag der Arbeit');
const CHRISTI_HIMMELFAHRT = easterOffset(39, 'Christi Himmelfahrt');
const PFINGSTSONNTAG = easterOffset(49, 'Pfingstsonntag');
const PFINGSTMONTAG = easterOffset(50, 'Pfingstmontag');
const FRONLEICHNAM = easterOffset(60, 'Fronleichnam');
const MARIAE_HIMMELFAHRT = fixed(8, 15, 'Mariä Himmelfahrt');
const TAG_DER_DEUTSCHEN_EINHEIT = fixed(10, 3, 'Tag der Deutschen Einheit', 1990);
const REFORMATIONSTAG = fixed(10, 31, 'Reformationstag');
const ALLERHEILIGEN = fixed(11, 1, 'Allerheiligen');
const BUSS_UND_BETTAG: Rule = (year) => [bussUndBettag(year), 'Buß- und Bettag'];
const WEIHNACHTSTAG_1 = fixed(12, 25, '1. Weihnachtstag');
const WEIHNACHTSTAG_2 = fixed(12, 26, '2. Weihnachtstag');

const NATIONWIDE: Rule[] = [
  NEUJAHR,
  KARFREITAG,
  OSTERMONTAG,
  TAG_DER_ARBEIT,
  CHRISTI_HIMMELFAHRT,
  PFINGSTMONTAG,
  TAG_DER_DEUTSCHEN_EINHEIT,
  // 500 years of the Reformation: a one-off holiday in every Land
  (year) => (year === 2017 ? [formatDate({ year, month: 10, day: 31 }), 'Reformationstag'] : null),
  WEIHNACHTSTAG_1,
  WEIHNACHTSTAG_2,
];

const REGIONAL: Record<HolidayRegion, Rule[]> = {
  'DE-BW': [HEILIGE_DREI_KOENIGE, FRONLEICHNAM, ALLERHEILIGEN],
  'DE-BY': [HEILIGE_DREI_KOENIGE, FRONLEICHNAM, ALLERHEILIGEN],
  'DE-BE': [
    fixed(3, 8, 'Internationaler Frauentag', 2019),
    // 75th and 80th anniversary of the end of the Second World War, each by its own one-off law
    (year) =>
      year === 2020 || year === 2025 ? [formatDate({ year, month: 5, day: 8 }), 'Tag der Befreiung'] : null,
  ],
  // Brandenburg and Hessen name Easter and Whit Sunday too; they never move a deadline (Sundays)
  'DE-BB': [OSTERSONNTAG, PFINGSTSONNTAG, REFORMATIONSTAG],
  'DE-HB': [fixed(10, 31, 'Reformationstag', 2018)],
  'DE-HH': [fixed(10, 31, 'Reformationstag', 2018)],
  'DE-HE': [OSTERSONNTAG, PFINGSTSONNTAG, FRONLEICHNAM],
  'DE-MV': [fixed(3, 8, 'Internationaler Frauentag', 2023), REFORMATIONSTAG],
  'DE-NI': [fixed(10, 31, 'Reformationstag', 2018)],
  'DE-NW': [FRONLEICHNAM, ALLERHEILIGEN],
  'DE-RP': [FRONLEICHNAM, ALLERHEILIGEN],
  'DE-SL': [FRONLEICHNAM, MARIAE_HIMMELFAHRT, ALLERHEILIGEN],
  'DE-SN': [REFORMATIONSTAG, BUSS_UND_BETTAG],
  'DE-ST': [HEILIGE_DREI_KOENIGE, REFORMATIONSTAG],
  'DE-SH': [fixed(10, 31, 'Reformationstag', 2018)],
  'DE-TH': [fixed(9, 20, 'Weltkindertag', 2019), REFORMATIONSTAG],
};

function assertYear(year: number): void {
  // the Gregorian Easter rule starts in 1583; the upper bound is the 'YYYY' format
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`Year out of range 1583–9999: ${year}`);
  }
}

function assertRegion(region: string): asserts region is HolidayRegion {
  if (!isSupportedRegion(region)) {
    throw new Error(`Unknown holiday region '${region}' (supported: ${SUPPORTED_REGIONS.join(', ')})`);
  }
}

// deadline checks ask the same few years over and over; the computed maps are small and immutable
const cache = new Map<string, ReadonlyMap<string, string>>();

function computed(year: number, region: string): ReadonlyMap<string, string> {
  assertRegion(region);
  assertYear(year);
  const key = `${region}:${year}`;
  let map = cache.get(key);
  if (!map) {
    const easter = easterSunday(year);
    const entries: [string, string][] = [];
    for (const rule of [...NATIONWIDE, ...REGIONAL[region]]) {
      const hit = rule(year, easter);
      if (hit) entries.push(hit);
    }
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const built = new Map<string, string>();
    for (const [date, name] of entries) {
      const existing = built.get(date);
      // two holidays on one day happen (Tag der Arbeit = Christi Himmelfahrt in 2008); keep both names
      if (existing === undefined) built.set(date, name);
      else if (!existing.split(' / ').includes(name)) built.set(date, `${existing} / ${name}`);
    }
    map = built;
    cache.set(key, map);
  }
  return map;
}

/** Public holidays of `region` in `year`, date → German name, in date order. A fresh copy each call. */
export function holidaysOf(year: number, region: string): Map<string, string> {
  return new Map(computed(year, region));
}

/** The German name of the holiday on `date` in `region`, or undefined on an ordinary day. */
export function holidayName(date: string, region: string): string | undefined {
  return computed(parseDate(date).year, region).get(date);
}

export function isHoliday(date: string, region: string): boolean {
  return holidayName(date, region) !== undefined;
}
