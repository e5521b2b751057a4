import { addDays, dayOfWeek, daysBetween, isValidDate } from './calendar-date.js';
import {
  SUPPORTED_REGIONS,
  bussUndBettag,
  easterSunday,
  holidayName,
  holidaysOf,
  isHoliday,
} from './holidays.js';

describe('Easter Sunday (Anonymous Gregorian algorithm)', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [1818, '1818-03-22'], // earliest possible date
    [1943, '1943-04-25'], // latest possible date
    [2285, '2285-03-22'],
  ])('%i → %s', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
    expect(dayOfWeek(expected)).toBe(0);
  });

  it('rejects years the Gregorian rule does not cover', () => {
    expect(() => easterSunday(1582)).toThrow(RangeError);
    expect(() => easterSunday(2026.5)).toThrow(RangeError);
  });
});

describe('Buß- und Bettag (Wednesday before 23 November)', () => {
  it.each([
    [2024, '2024-11-20'],
    [2025, '2025-11-19'],
    [2026, '2026-11-18'],
    [2027, '2027-11-17'],
    [2028, '2028-11-22'], // 22 November itself is a Wednesday
    [2029, '2029-11-21'],
  ])('%i → %s', (year, expected) => {
    expect(bussUndBettag(year)).toBe(expected);
  });

  it('is always a Wednesday between 16 and 22 November', () => {
    for (let year = 1990; year <= 2100; year++) {
      const d = bussUndBettag(year);
      expect(dayOfWeek(d)).toBe(3);
      expect(daysBetween(`${year}-11-16`, d)).toBeGreaterThanOrEqual(0);
      expect(daysBetween(d, `${year}-11-22`)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('holidaysOf', () => {
  it('lists the full year for Saxony-Anhalt 2026, in date order', () => {
    expect([...holidaysOf(2026, 'DE-ST')]).toEqual([
      ['2026-01-01', 'Neujahr'],
      ['2026-01-06', 'Heilige Drei Könige'],
      ['2026-04-03', 'Karfreitag'],
      ['2026-04-06', 'Ostermontag'],
      ['2026-05-01', 'Tag der Arbeit'],
      ['2026-05-14', 'Christi Himmelfahrt'],
      ['2026-05-25', 'Pfingstmontag'],
      ['2026-10-03', 'Tag der Deutschen Einheit'],
      ['2026-10-31', 'Reformationstag'],
      ['2026-12-25', '1. Weihnachtstag'],
      ['2026-12-26', '2. Weihnachtstag'],
    ]);
  });

  it('has the nine nationwide holidays in every Land', () => {
    for (const region of SUPPORTED_REGIONS) {
      const h = holidaysOf(2027, region);
      for (const d of [
        '2027-01-01',
        '2027-03-26',
        '2027-03-29',
        '2027-05-01',
        '2027-05-06',
        '2027-05-17',
        '2027-10-03',
        '2027-12-25',
        '2027-12-26',
      ]) {
        expect([region, d, h.has(d)]).toEqual([region, d, true]);
      }
    }
  });

  // [region, date, expected name or null when not a holiday there]
  it.each<[string, string, string | null]>([
    ['DE-ST', '2027-01-06', 'Heilige Drei Könige'],
    ['DE-SN', '2027-01-06', null],
    ['DE-SN', '2026-11-18', 'Buß- und Bettag'],
    ['DE-ST', '2026-11-18', null],
    ['DE-SN', '2026-10-31', 'Reformationstag'],
    ['DE-TH', '2026-09-20', 'Weltkindertag'],
    ['DE-TH', '2018-09-20', null],
    ['DE-TH', '2026-10-31', 'Reformationstag'],
    ['DE-BE', '2019-03-08', 'Internationaler Frauentag'],
    ['DE-BE', '2018-03-08', null],
    ['DE-BE', '2026-10-31', null],
    ['DE-BE', '2025-05-08', 'Tag der Befreiung'],
    ['DE-BE', '2026-05-08', null],
    ['DE-MV', '2023-03-08', 'Internationaler Frauentag'],
    ['DE-MV', '2022-03-08', null],
    ['DE-MV', '2026-10-31', 'Reformationstag'],
    ['DE-BY', '2026-06-04', 'Fronleichnam'],
    ['DE-BY', '2026-11-01', 'Allerheiligen'],
    ['DE-BY', '2026-08-15', null], // Mariä Himmelfahrt only in some municipalities
    ['DE-SL', '2026-08-15', 'Mariä Himmelfahrt'],
    ['DE-NW', '2026-06-04', 'Fronleichnam'],
    ['DE-NW', '2026-01-06', null],
    ['DE-BW', '2026-01-06', 'Heilige Drei Könige'],
    ['DE-HE', '2026-06-04', 'Fronleichnam'],
    ['DE-RP', '2026-11-01', 'Allerheiligen'],
    ['DE-ST', '2026-06-04', null],
    ['DE-NI', '2018-10-31', 'Reformationstag'],
    ['DE-NI', '2016-10-31', null],
    ['DE-HH', '2026-10-31', 'Reformationstag'],
    ['DE-BB', '2026-04-05', 'Ostersonntag'],
    ['DE-BB', '2026-05-24', 'Pfingstsonntag'],
    ['DE-BY', '2017-10-31', 'Reformationstag'], // 500th anniversary, nationwide one-off
    ['DE-BY', '2018-10-31', null],
    ['DE-ST', '2026-12-24', null],
    ['DE-ST', '2026-12-31', null],
  ])('%s %s → %s', (region, date, name) => {
    expect(holidayName(date, region) ?? null).toBe(name);
    expect(isHoliday(date, region)).toBe(name !== null);
  });

  it('keeps both names when two holidays fall on one day (2008: 1 May = Ascension)', () => {
    expect(holidayName('2008-05-01', 'DE-ST')).toBe('Tag der Arbeit / Christi Himmelfahrt');
  });

  it('moves with Easter: Karfreitag, Himmelfahrt, Pfingstmontag and Fronleichnam for several years', () => {
    for (const year of [2024, 2025, 2026, 2027, 2038]) {
      const easter = easterSunday(year);
      const nw = holidaysOf(year, 'DE-NW');
      expect(nw.get(addDays(easter, -2))).toBe('Karfreitag');
      expect(nw.get(addDays(easter, 1))).toBe('Ostermontag');
      expect(nw.get(addDays(easter, 39))).toBe('Christi Himmelfahrt');
      expect(nw.get(addDays(easter, 50))).toBe('Pfingstmontag');
      expect(nw.get(addDays(easter, 60))).toBe('Fronleichnam');
      expect(dayOfWeek(addDays(easter, 39))).toBe(4);
    }
  });

  it('hands out a copy: changing it does not change later answers', () => {
    holidaysOf(2026, 'DE-ST').set('2026-07-01', 'Erfunden');
    expect(isHoliday('2026-07-01', 'DE-ST')).toBe(false);
  });

  it.each(['DE-XX', 'de-st', 'ST', ''])('rejects the unknown region %p, naming it', (region) => {
    expect(() => holidaysOf(2026, region)).toThrow(`'${region}'`);
    expect(() => isHoliday('2026-01-01', region)).toThrow(Error);
  });

  it('rejects malformed dates', () => {
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(() => isHoliday('2026-02-30', 'DE-ST')).toThrow(RangeError);
  });
});
