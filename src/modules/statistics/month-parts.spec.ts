import { periodFromCode } from './period.js';
import { deserializeDetail, medianOf, releaseInput, serializeDetail, type MonthPart } from './month-parts.js';
import { tallyCases } from './release-builder.js';

/** days as PostgreSQL's float8send writes them: big-endian float8, ascending */
const days = (...values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 8);
  [...values].sort((x, y) => x - y).forEach((v, i) => b.writeDoubleBE(v, i * 8));
  return b;
};

const detail = (over: Partial<NonNullable<MonthPart['detail']>> = {}): NonNullable<MonthPart['detail']> => ({
  cases: tallyCases([]),
  reports: [],
  interventions: {},
  referrals: [],
  firstResponseDays: days(),
  closureDays: days(),
  ...over,
});

describe('month parts: the median over several months', () => {
  it('is percentile_cont(0.5) over all their days: the middle value, or halfway between the two middle ones', () => {
    expect(medianOf([days(3, 1, 2)])).toEqual({ n: 3, medianDays: 2 });
    expect(medianOf([days(1, 2), days(4, 3)])).toEqual({ n: 4, medianDays: 2.5 });
    // months overlap in their values: merged, not taken month by month
    expect(medianOf([days(10, 11, 12), days(0.5), days(0.25, 0.75)])).toEqual({ n: 6, medianDays: 5.375 });
    expect(medianOf([days(), days()])).toEqual({ n: 0, medianDays: null });
    // ties and fractions of a second stay exact
    expect(medianOf([days(1 / 86400, 1 / 86400), days(7 / 3)])).toEqual({ n: 3, medianDays: 1 / 86400 });
  });
});

describe('month parts: storage', () => {
  it('gives back what it stored', () => {
    const d = detail({
      cases: tallyCases([
        {
          grounds: ['age', 'religion_belief'],
          forms: ['harassment'],
          level: null,
          lifeArea: 'housing',
          perpetratorType: 'landlord',
          district: 'mitte',
          status: 'open',
          outcome: null,
          quarter: 2,
        },
      ]),
      reports: [['web_form', null, 'housing', 3]],
      interventions: { counselling_talk: 2 },
      referrals: [['legal_aid', 'sent', null, 1]],
      firstResponseDays: days(0.5),
    });
    expect(deserializeDetail(serializeDetail(d), d.firstResponseDays, d.closureDays)).toEqual(d);
  });
});

describe('month parts: a release adds up its months', () => {
  const part = (
    month: string,
    units: MonthPart['units'],
    d: MonthPart['detail'] = null,
  ): [string, MonthPart] => [month, { month, version: '1', units, detail: d }];

  it('sums the months of the period and the key figures of the comparison periods', () => {
    const period = periodFromCode('2026-Q1');
    const parts = new Map([
      part('2026-01-01', { reports: 2, incidents: 1, cases: 1 }, detail({ interventions: { mediation: 1 } })),
      part(
        '2026-02-01',
        { reports: 1, incidents: 4, cases: 0 },
        detail({ interventions: { mediation: 2, referral: 1 }, reports: [['phone', 'witness', null, 1]] }),
      ),
      part('2026-03-01', { reports: 0, incidents: 0, cases: 0 }, detail()),
      ...['2025-10-01', '2025-11-01', '2025-12-01'].map((m) =>
        part(m, { reports: 1, incidents: 2, cases: 3 }),
      ),
      ...['2025-01-01', '2025-02-01', '2025-03-01'].map((m) =>
        part(m, { reports: 5, incidents: 0, cases: 1 }),
      ),
    ]);
    const input = releaseInput(period, parts);
    expect(input.incidents).toBe(5);
    expect(input.interventions).toEqual({ mediation: 3, referral: 1 });
    expect(input.reports).toEqual([{ channel: 'phone', reporterRole: 'witness', lifeArea: null, n: 1 }]);
    expect(input.previous).toEqual({ reports: 3, incidents: 6, cases: 9 });
    expect(input.sameLastYear).toEqual({ reports: 15, incidents: 0, cases: 3 });
  });

  it('refuses to build from a missing month or from a part without detail for a month of the period', () => {
    const period = periodFromCode('2026-02');
    const units = { reports: 0, incidents: 0, cases: 0 };
    const comparisons = [part('2026-01-01', units), part('2025-02-01', units)];
    expect(() => releaseInput(period, new Map(comparisons))).toThrow(/no part for 2026-02-01/);
    expect(() => releaseInput(period, new Map([...comparisons, part('2026-02-01', units)]))).toThrow(
      /no detail for 2026-02-01/,
    );
  });
});
