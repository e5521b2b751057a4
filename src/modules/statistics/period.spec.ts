import { lastCompleteQuarter, parsePeriod, startedPeriods } from './period.js';

const NOW = new Date('2026-08-15T10:00:00Z');

describe('parsePeriod', () => {
  it('parses a month with its neighbours', () => {
    expect(parsePeriod('2026-01', NOW)).toEqual({
      kind: 'month',
      code: '2026-01',
      from: '2026-01-01',
      to: '2026-02-01',
      label: '01/2026',
      previous: '2025-12',
      sameLastYear: '2025-01',
      subperiods: [],
    });
    expect(parsePeriod('2025-12', NOW).to).toBe('2026-01-01');
  });

  it('parses a quarter with its months', () => {
    expect(parsePeriod('2026-Q1', NOW)).toMatchObject({
      kind: 'quarter',
      from: '2026-01-01',
      to: '2026-04-01',
      previous: '2025-Q4',
      sameLastYear: '2025-Q1',
      subperiods: ['2026-01', '2026-02', '2026-03'],
    });
    expect(parsePeriod('2025-Q4', NOW).to).toBe('2026-01-01');
  });

  it('parses a year with its quarters', () => {
    expect(parsePeriod('2025', NOW)).toMatchObject({
      kind: 'year',
      from: '2025-01-01',
      to: '2026-01-01',
      previous: '2024',
      sameLastYear: '2024',
      subperiods: ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'],
    });
  });

  it('allows periods that have started, also the current one', () => {
    expect(parsePeriod('2026-08', NOW).code).toBe('2026-08');
    expect(parsePeriod('2026-Q3', NOW).code).toBe('2026-Q3');
    expect(parsePeriod('2026', NOW).code).toBe('2026');
  });

  it.each([
    '2026-09',
    '2026-Q4',
    '2027',
    '2099',
    '2026-13',
    '2026-00',
    '2026-Q5',
    '2026-W01',
    '2026-01-01..2026-02-01',
    '2026-1',
    ' 2026',
    '1999',
    '',
    undefined,
    ['2026'],
  ])('refuses %p with bad_request naming the allowed forms', (raw) => {
    try {
      parsePeriod(raw, NOW);
      throw new Error('accepted');
    } catch (e) {
      expect((e as { code: string }).code).toBe('bad_request');
      expect((e as { params: { allowed: string } }).params.allowed).toContain('YYYY-Qn');
    }
  });

  it('defaults to the last complete quarter', () => {
    expect(lastCompleteQuarter(NOW).code).toBe('2026-Q2');
    expect(lastCompleteQuarter(new Date('2026-02-01T12:00:00Z')).code).toBe('2025-Q4');
  });

  it('uses the Berlin calendar: New Year’s night in Berlin is already the new year', () => {
    expect(parsePeriod('2027-01', new Date('2026-12-31T23:30:00Z')).code).toBe('2027-01');
  });

  it('lists the periods that have started, newest first', () => {
    const p = startedPeriods(2025, NOW);
    expect(p.years).toEqual(['2026', '2025']);
    expect(p.quarters).toEqual(['2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4', '2025-Q3', '2025-Q2', '2025-Q1']);
    expect(p.months[0]).toBe('2026-08');
    expect(p.months).toHaveLength(8 + 12);
  });
});
