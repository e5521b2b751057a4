import { automaticLanguages, duePeriods } from './automatic-reports.service.js';

describe('automatic reports: which periods are due', () => {
  const since = new Date('2024-06-15T10:00:00Z');
  const codes = (now: string, from: Date | null = since) =>
    duePeriods(new Date(now), from).map((p) => p.code);

  it('is the last finished quarter and year in Berlin time, also across the new year', () => {
    // 1 October 2026, 00:30 in Berlin (still 30 September in UTC): Q3 has ended
    expect(codes('2026-09-30T22:30:00Z')).toEqual(['2026-Q3', '2025']);
    // 30 September 23:30 in Berlin: Q3 has not ended, Q2 is the last finished quarter
    expect(codes('2026-09-30T21:30:00Z')).toEqual(['2026-Q2', '2025']);
    // 1 January 2027, 00:15 in Berlin: the fourth quarter and the year 2026 have ended
    expect(codes('2026-12-31T23:15:00Z')).toEqual(['2026-Q4', '2026']);
  });

  it('never reaches back before the installation existed', () => {
    // installed mid-2024: the year 2024 ended after that, 2023 did not
    expect(codes('2025-01-10T12:00:00Z')).toEqual(['2024-Q4', '2024']);
    // the quarter it was installed in ended after that: due; the year 2023 is not
    expect(codes('2024-07-02T12:00:00Z')).toEqual(['2024-Q2']);
    expect(codes('2024-06-20T12:00:00Z')).toEqual([]);
    expect(codes('2024-10-02T12:00:00Z')).toEqual(['2024-Q3']);
    expect(codes('2026-10-02T12:00:00Z', null)).toEqual([]);
  });

  it('reads the languages setting; empty means off', () => {
    expect(automaticLanguages('de')).toEqual(['de']);
    expect(automaticLanguages('de, en')).toEqual(['de', 'en']);
    expect(automaticLanguages('en,en')).toEqual(['en']);
    expect(automaticLanguages('')).toEqual([]);
    expect(automaticLanguages('fr')).toEqual([]);
    expect(automaticLanguages(undefined)).toEqual([]);
  });
});
