import { monthsOf, periodFromCode, releaseMonths } from './period.js';
import { RELEASE_CODE } from './statistics-cache.js';

describe('statistics periods: the months a release reads', () => {
  it('lists the months of a month, a quarter and a year', () => {
    expect(monthsOf(periodFromCode('2026-02'))).toEqual(['2026-02-01']);
    expect(monthsOf(periodFromCode('2026-Q4'))).toEqual(['2026-10-01', '2026-11-01', '2026-12-01']);
    expect(monthsOf(periodFromCode('2025'))).toHaveLength(12);
    expect(monthsOf(periodFromCode('2025'))[11]).toBe('2025-12-01');
  });

  it('adds the previous period and the same period a year earlier (their key figures are compared)', () => {
    expect(releaseMonths(periodFromCode('2026-01'))).toEqual(['2025-01-01', '2025-12-01', '2026-01-01']);
    expect(releaseMonths(periodFromCode('2026-Q1'))).toEqual([
      '2025-01-01',
      '2025-02-01',
      '2025-03-01',
      '2025-10-01',
      '2025-11-01',
      '2025-12-01',
      '2026-01-01',
      '2026-02-01',
      '2026-03-01',
    ]);
    // a year: its previous period is the year before, which is also the same period a year earlier
    const year = releaseMonths(periodFromCode('2026'));
    expect(year).toHaveLength(24);
    expect(year[0]).toBe('2025-01-01');
    expect(year[23]).toBe('2026-12-01');
  });
});

describe('statistics cache: the code a release is built by', () => {
  it('is a fingerprint of the statistics modules, part of every cache entry', () => {
    expect(RELEASE_CODE).toMatch(/^[0-9a-f]{16}$/);
  });
});
