import {
  addMonths,
  DEFAULT_RETENTION_POLICY as P,
  isExpired,
  retentionDate,
  truncateToMonth,
  type RetentionSubject,
} from './retention-date.js';

const report = (over: Partial<Extract<RetentionSubject, { kind: 'report' }>> = {}): RetentionSubject => ({
  kind: 'report',
  inCase: false,
  closureReason: null,
  hasContact: false,
  lastActivityOn: '2026-03-10',
  ...over,
});

describe('retentionDate', () => {
  const cases: [string, RetentionSubject, Partial<typeof P>, string | null][] = [
    ['open case: no retention runs', { kind: 'case', status: 'open', closedOn: null }, {}, null],
    [
      'reopened case: no retention runs',
      { kind: 'case', status: 'reopened', closedOn: '2026-02-01' },
      {},
      null,
    ],
    [
      'closed in January: 3 years after the end of that year',
      { kind: 'case', status: 'closed', closedOn: '2026-01-02' },
      {},
      '2029-12-31',
    ],
    [
      'closed on 31 December: the same',
      { kind: 'case', status: 'closed', closedOn: '2026-12-31' },
      {},
      '2029-12-31',
    ],
    [
      'closed, 10-year setting',
      { kind: 'case', status: 'closed', closedOn: '2026-06-15' },
      { closedCaseYears: 10 },
      '2036-12-31',
    ],
    [
      'closed without a closing date (legacy row): none',
      { kind: 'case', status: 'closed', closedOn: null },
      {},
      null,
    ],
    ['report in a case follows the case', report({ inCase: true }), {}, null],
    ['anonymous report without contact: 90 days after last activity', report(), {}, '2026-06-08'],
    ['anonymous report, 30-day setting', report(), { unconfirmedReportDays: 30 }, '2026-04-09'],
    ['report with contact data: 12 months', report({ hasContact: true }), {}, '2027-03-10'],
    [
      'report with contact on 31 Jan, 1 month: end of February',
      report({ hasContact: true, lastActivityOn: '2027-01-31' }),
      { unprocessedReportMonths: 1 },
      '2027-02-28',
    ],
    [
      'spam: spam days after closing',
      report({ closureReason: 'spam', closedOn: '2026-03-20' }),
      {},
      '2026-04-19',
    ],
    [
      'duplicate with contact: spam days, not months',
      report({ closureReason: 'duplicate', hasContact: true, closedOn: '2026-03-20' }),
      {},
      '2026-04-19',
    ],
    [
      'spam without a known closing day: from last activity',
      report({ closureReason: 'spam' }),
      { spamDays: 7 },
      '2026-03-17',
    ],
    [
      'across a leap day',
      report({ lastActivityOn: '2028-02-01' }),
      { unconfirmedReportDays: 29 },
      '2028-03-01',
    ],
  ];
  it.each(cases)('%s', (_name, subject, policy, expected) => {
    expect(retentionDate(subject, { ...P, ...policy })).toBe(expected);
  });
});

describe('isExpired', () => {
  it.each([
    [null, '2030-01-01', false],
    ['2029-12-31', '2029-12-31', false],
    ['2029-12-31', '2030-01-01', true],
    ['2029-12-31', '2029-06-01', false],
  ])('%s on %s → %s', (until, today, expected) => {
    expect(isExpired(until, today)).toBe(expected);
  });
});

describe('helpers', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-11-15', 3, '2027-02-15'],
    ['2026-03-10', 12, '2027-03-10'],
  ])('addMonths(%s, %i) = %s', (d, n, expected) => expect(addMonths(d, n)).toBe(expected));
  it.each([
    [null, null],
    ['2026-07-19', '2026-07-01'],
    ['2026-12-31', '2026-12-01'],
  ])('truncateToMonth(%s) = %s', (d, expected) => expect(truncateToMonth(d)).toBe(expected));
});
