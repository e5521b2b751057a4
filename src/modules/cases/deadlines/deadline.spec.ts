import { addDays, dayOfWeek, daysBetween, isLeapYear, isValidDate, parseDate } from './calendar-date.js';
import {
  addMonths,
  applyBgb193,
  computeDeadline,
  type DeadlineInput,
  isWorkingDay,
  nextWorkingDay,
  reminderDates,
} from './deadline.js';

describe('calendar arithmetic without Date', () => {
  it.each([
    [1900, false],
    [2000, true],
    [2024, true],
    [2026, false],
    [2028, true],
    [2100, false],
  ])('leap year %i → %p', (year, leap) => {
    expect(isLeapYear(year)).toBe(leap);
  });

  it.each([
    ['2026-03-28', '2026-03-30', 2], // across the spring DST switch in Berlin
    ['2026-10-24', '2026-10-26', 2], // across the autumn DST switch
    ['2026-12-28', '2026-11-20', -38],
    ['2028-02-28', '2028-03-01', 2],
    ['2100-02-28', '2100-03-01', 1],
    ['1900-02-28', '1900-03-01', 1],
    ['2000-02-28', '2000-03-01', 2],
    ['2026-01-01', '2027-01-01', 365],
    ['2028-01-01', '2029-01-01', 366],
  ])('daysBetween(%s, %s) = %i', (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
    expect(addDays(a, n)).toBe(b);
  });

  it('agrees with UTC Date for every day of 1899–2101', () => {
    const base = Date.UTC(1899, 0, 1);
    const mismatches: string[] = [];
    for (let n = 0; ; n += 1) {
      const utc = new Date(base + n * 86_400_000);
      const iso = utc.toISOString().slice(0, 10);
      if (iso > '2101-12-31') break;
      if (addDays('1899-01-01', n) !== iso || dayOfWeek(iso) !== utc.getUTCDay()) mismatches.push(iso);
    }
    expect(mismatches).toEqual([]);
  });

  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-00-10',
    '26-01-01',
    '2026-1-1',
    '2026-01-01T00:00',
    '',
  ])('rejects %p', (bad) => {
    expect(isValidDate(bad)).toBe(false);
    expect(() => parseDate(bad)).toThrow(RangeError);
  });
  it('accepts 29 February in leap years only', () => {
    expect(isValidDate('2000-02-29')).toBe(true);
    expect(isValidDate('2028-02-29')).toBe(true);
  });
});

describe('addMonths (§§187 Abs. 1, 188 Abs. 2, 3 BGB)', () => {
  it.each([
    ['2026-03-15', 2, '2026-05-15'], // "two months from 15 March" ends on 15 May
    ['2026-12-31', 2, '2027-02-28'],
    ['2027-12-30', 2, '2028-02-29'], // leap year
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-08-31', 1, '2026-09-30'],
    ['2026-11-30', 2, '2027-01-30'],
    ['1900-01-31', 1, '1900-02-28'], // 1900 not a leap year
    ['2000-01-31', 1, '2000-02-29'], // 2000 is
    ['2099-12-29', 2, '2100-02-28'], // 2100 is not
    ['2026-02-28', 12, '2027-02-28'],
    ['2028-02-29', 12, '2029-02-28'],
    ['2026-08-31', 24, '2028-08-31'],
    ['2026-05-31', -3, '2026-02-28'],
    ['2026-05-20', 0, '2026-05-20'],
  ])('%s + %i months → %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('rejects fractional months and bad dates', () => {
    expect(() => addMonths('2026-01-01', 1.5)).toThrow(RangeError);
    expect(() => addMonths('2026-02-31', 1)).toThrow(RangeError);
  });
});

describe('§193 BGB in Saxony-Anhalt and elsewhere', () => {
  it.each([
    ['DE-ST', '2026-12-25', '2026-12-28'], // Fri + Sat holidays, Sunday, then Monday
    ['DE-ST', '2026-10-31', '2026-11-02'], // Reformationstag on a Saturday
    ['DE-ST', '2027-01-06', '2027-01-07'], // Heilige Drei Könige, Wednesday
    ['DE-ST', '2026-05-16', '2026-05-18'], // Saturday
    ['DE-ST', '2026-05-17', '2026-05-18'], // Sunday
    ['DE-ST', '2026-05-14', '2026-05-15'], // Christi Himmelfahrt
    ['DE-ST', '2026-04-03', '2026-04-07'], // Karfreitag → Easter weekend → Ostermontag
    ['DE-ST', '2024-03-29', '2024-04-02'],
    ['DE-ST', '2025-04-18', '2025-04-22'],
    ['DE-ST', '2027-03-26', '2027-03-30'],
    ['DE-ST', '2038-04-23', '2038-04-27'],
    ['DE-ST', '2027-01-01', '2027-01-04'], // Neujahr on a Friday
    ['DE-ST', '2026-12-24', '2026-12-24'], // Heiligabend is a working day
    ['DE-ST', '2026-12-31', '2026-12-31'],
    ['DE-ST', '2026-06-04', '2026-06-04'], // Fronleichnam is not a holiday here …
    ['DE-NW', '2026-06-04', '2026-06-05'], // … but in North Rhine-Westphalia
    ['DE-SN', '2026-11-18', '2026-11-19'], // Buß- und Bettag in Saxony
    ['DE-ST', '2026-11-18', '2026-11-18'],
    ['DE-BE', '2027-03-08', '2027-03-09'], // Frauentag in Berlin
    ['DE-ST', '2027-03-08', '2027-03-08'],
  ])('%s: period ending %s is due %s', (region, end, due) => {
    expect(applyBgb193(end, region)).toBe(due);
    expect(isWorkingDay(due, region)).toBe(true);
  });

  it('nextWorkingDay is strictly after the given day', () => {
    expect(nextWorkingDay('2026-12-24', 'DE-ST')).toBe('2026-12-28');
    expect(nextWorkingDay('2026-10-30', 'DE-ST')).toBe('2026-11-02');
    expect(nextWorkingDay('2026-05-18', 'DE-ST')).toBe('2026-05-19');
  });

  it('rejects an unknown region', () => {
    expect(() => applyBgb193('2026-05-18', 'DE-XX')).toThrow('DE-XX');
  });
});

describe('computeDeadline', () => {
  const base: DeadlineInput = {
    lifeArea: 'goods_services',
    whenKind: 'date',
    startDate: '2026-03-15',
    learnedOn: null,
    periods: { employment: 2, goods_services: 2, housing: 2 },
    region: 'DE-ST',
    today: '2026-04-01',
  };
  const run = (over: Partial<DeadlineInput>) => computeDeadline({ ...base, ...over });

  it('counts an exact date without a shift', () => {
    expect(run({})).toEqual({
      kind: 'date',
      start: '2026-03-15',
      periodEnd: '2026-05-15',
      due: '2026-05-15',
      daysLeft: 44,
      status: 'open',
    });
  });

  it.each<[string, string, string, string, string]>([
    ['goods_services', '2026-10-25', '2026-12-25', '2026-12-28', '1. Weihnachtstag'],
    ['housing', '2026-08-31', '2026-10-31', '2026-11-02', 'Reformationstag'],
    ['employment', '2026-11-06', '2027-01-06', '2027-01-07', 'Heilige Drei Könige'],
    ['housing', '2026-03-16', '2026-05-16', '2026-05-18', 'Samstag'],
    ['housing', '2026-03-17', '2026-05-17', '2026-05-18', 'Sonntag'],
    ['employment', '2026-12-31', '2027-02-28', '2027-03-01', 'Sonntag'],
  ])('%s from %s: period ends %s, due %s (%s)', (lifeArea, startDate, periodEnd, due, because) => {
    expect(run({ lifeArea, startDate, today: '2026-01-01' })).toMatchObject({
      kind: 'date',
      start: startDate,
      periodEnd,
      due,
      shiftedBecause: because,
    });
  });

  it.each<[string, number, string]>([
    ['2026-04-30', 15, 'open'],
    ['2026-05-01', 14, 'due_soon'],
    ['2026-05-14', 1, 'due_soon'],
    ['2026-05-15', 0, 'due_soon'],
    ['2026-05-16', -1, 'passed'],
    ['2027-05-15', -365, 'passed'],
  ])('today %s → %i days left, %s', (today, daysLeft, status) => {
    expect(run({ today })).toMatchObject({ due: '2026-05-15', daysLeft, status });
  });

  it('counts the days left to the shifted date, not the raw period end', () => {
    expect(run({ startDate: '2026-10-25', today: '2026-11-20' })).toMatchObject({
      due: '2026-12-28',
      daysLeft: 38,
      status: 'open',
    });
    expect(run({ lifeArea: 'housing', startDate: '2026-08-31', today: '2026-10-20' })).toMatchObject({
      due: '2026-11-02',
      daysLeft: 13,
      status: 'due_soon',
    });
  });

  it('uses the configured period (12 months)', () => {
    expect(run({ lifeArea: 'housing', startDate: '2026-02-28', periods: { housing: 12 } })).toMatchObject({
      periodEnd: '2027-02-28',
      due: '2027-03-01',
      shiftedBecause: 'Sonntag',
    });
    expect(run({ startDate: '2026-01-31', periods: { goods_services: 1 } })).toMatchObject({
      due: '2026-03-02',
    });
  });

  it('counts employment from learnedOn (AGG §15(4)) …', () => {
    expect(run({ lifeArea: 'employment', startDate: '2026-03-01', learnedOn: '2026-03-20' })).toMatchObject({
      start: '2026-03-20',
      due: '2026-05-20',
    });
  });

  it('… even when the incident date itself is vague, but not while it is ongoing', () => {
    const employment = { lifeArea: 'employment', learnedOn: '2026-03-20' };
    expect(run({ ...employment, whenKind: 'approximate', startDate: null })).toMatchObject({
      due: '2026-05-20',
    });
    expect(run({ ...employment, whenKind: 'month', startDate: '2026-02-01' })).toMatchObject({
      due: '2026-05-20',
    });
    expect(run({ ...employment, whenKind: 'date', startDate: null })).toMatchObject({ due: '2026-05-20' });
    expect(run({ ...employment, whenKind: 'ongoing', startDate: null })).toEqual({
      kind: 'unclear',
      reason: 'ongoing',
    });
  });

  it.each(['goods_services', 'housing'])(
    'ignores learnedOn for %s (AGG §21(5): from the incident)',
    (lifeArea) => {
      expect(run({ lifeArea, learnedOn: '2026-03-20' })).toMatchObject({
        start: '2026-03-15',
        due: '2026-05-15',
      });
      expect(run({ lifeArea, whenKind: 'approximate', startDate: null, learnedOn: '2026-03-20' })).toEqual({
        kind: 'unclear',
        reason: 'approximate',
      });
    },
  );

  it.each(['education', 'public_space', 'public_authorities', 'police_justice', 'health_care', 'other'])(
    'has no AGG deadline for %s',
    (lifeArea) => {
      expect(run({ lifeArea })).toEqual({ kind: 'none' });
      expect(run({ lifeArea, whenKind: 'ongoing', startDate: null })).toEqual({ kind: 'none' });
    },
  );

  it('has no deadline for an area whose period was removed from the settings', () => {
    expect(run({ periods: { employment: 2 } })).toEqual({ kind: 'none' });
    expect(run({ lifeArea: 'toString' })).toEqual({ kind: 'none' });
  });

  it.each<[Partial<DeadlineInput>, object]>([
    [
      { whenKind: 'approximate', startDate: null },
      { kind: 'unclear', reason: 'approximate' },
    ],
    [
      { whenKind: 'ongoing', startDate: null },
      { kind: 'unclear', reason: 'ongoing' },
    ],
    [
      { whenKind: 'ongoing', startDate: '2026-03-15' },
      { kind: 'unclear', reason: 'ongoing' },
    ],
    [
      { whenKind: 'date', startDate: null },
      { kind: 'unclear', reason: 'missing_date' },
    ],
    [
      { whenKind: 'month', startDate: null },
      { kind: 'unclear', reason: 'missing_date' },
    ],
    [
      { lifeArea: 'employment', whenKind: 'date', startDate: null },
      { kind: 'unclear', reason: 'missing_date' },
    ],
    // counted from 1 March: 1 May 2026 is Tag der Arbeit (Friday), then the weekend
    [
      { whenKind: 'month', startDate: '2026-03-01' },
      { kind: 'unclear', reason: 'month_only', earliest: '2026-05-04' },
    ],
    [
      { whenKind: 'month', startDate: '2026-03-20' },
      { kind: 'unclear', reason: 'month_only', earliest: '2026-05-04' },
    ],
  ])('unclear: %j → %j', (over, expected) => {
    expect(run(over)).toEqual(expected);
  });

  it('fails loudly on bad input instead of showing a wrong deadline', () => {
    expect(() => run({ region: 'DE-XX' })).toThrow('DE-XX');
    expect(() => run({ lifeArea: 'education', region: 'DE-XX' })).toThrow('DE-XX');
    expect(() => run({ today: '2026-4-1' })).toThrow(RangeError);
    expect(() => run({ startDate: '2026-02-30' })).toThrow(RangeError);
    expect(() => run({ periods: { goods_services: 0 } })).toThrow(RangeError);
    expect(() => run({ periods: { goods_services: 1.5 } })).toThrow(RangeError);
    expect(() => run({ whenKind: 'sometime' as never })).toThrow('sometime');
  });
});

describe('reminderDates', () => {
  it.each<[string, number[], string[]]>([
    ['2026-12-28', [14, 3], ['2026-12-14', '2026-12-25']],
    ['2026-12-28', [3, 14, 3], ['2026-12-14', '2026-12-25']],
    ['2027-01-07', [14], ['2026-12-24']],
    ['2026-03-02', [1, 2], ['2026-02-28', '2026-03-01']],
    ['2026-05-15', [0], ['2026-05-15']],
    ['2026-05-15', [], []],
  ])('due %s, %j days before → %j', (due, before, expected) => {
    expect(reminderDates(due, before)).toEqual(expected);
  });

  it('rejects negative or fractional offsets', () => {
    expect(() => reminderDates('2026-05-15', [-1])).toThrow(RangeError);
    expect(() => reminderDates('2026-05-15', [1.5])).toThrow(RangeError);
  });
});
