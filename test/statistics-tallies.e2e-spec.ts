import pg from 'pg';
import {
  aggregateCases,
  aggregateMonth,
  medianOf,
  releaseInput,
  type MonthPart,
  type Queryable,
} from '../src/modules/statistics/month-parts.js';
import { monthsOf, periodFromCode, releaseMonths } from '../src/modules/statistics/period.js';
import {
  buildStatistics,
  tallyCases,
  type CaseCodes,
  type CaseTallies,
} from '../src/modules/statistics/release-builder.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

/**
 * The statistics tally the cases of a period in SQL (GROUPING SETS; `aggregateCases`). Here that is
 * checked against the release builder's own tallies (`tallyCases`) of the same cases read one row per
 * case with an independently written filter — on a real PostgreSQL with 4,000 random cases: missing
 * codes, several and repeated grounds and forms, NULL array elements, opt-outs, spam and duplicates,
 * cases around the Berlin quarter boundaries — and then through the whole builder, so the published
 * release is the same either way. A release adds up the parts of its months (month-parts.ts): the
 * parts of a year's, a quarter's and a month's months give the same tallies, medians and key figures
 * as the whole period read at once.
 */
describe('statistics: case tallies in SQL equal the builder tallying case rows', () => {
  let db: TestDatabase;
  let c: pg.Client;
  const q: Queryable = { query: async (sql, params) => (await c.query(sql, params)).rows };

  beforeAll(async () => {
    db = await createTestDatabase('tally');
    c = new pg.Client({ connectionString: db.ownerUrl });
    await c.connect();
    const org = (
      await c.query(
        `INSERT INTO organisation (name, code, kind) VALUES ('Tally', 'TLY', 'counselling') RETURNING id`,
      )
    ).rows[0].id;
    const key = (await c.query(`INSERT INTO data_key (master_key_id) VALUES ('test') RETURNING id`)).rows[0]
      .id;
    await c.query(`SELECT setseed(0.4711)`);
    // codes drawn from short lists with NULLs among them; arrays of 0–3 elements, repeats and NULLs possible
    await c.query(
      `INSERT INTO case_file (organisation_id, reference, status, closure_reason, data_key_id, when_kind,
                              last_activity_at, version, created_at, grounds, forms, level, life_area,
                              perpetrator_type, district, outcome, statistics_opt_out)
       SELECT $1, 'TLY-' || i, s.status,
              CASE WHEN s.status = 'closed' THEN (ARRAY['spam', 'duplicate', 'counselling_completed', NULL])[1 + floor(random() * 4)::int] END,
              $2, 'date', now(), 1,
              -- 2024-12-15 .. 2026-01-15, so cases fall on both sides of every quarter boundary of 2025
              timestamptz '2024-12-15 00:00+01' + random() * interval '396 days',
              ARRAY(SELECT (ARRAY['ethnic_origin', 'religion_belief', 'age', 'gender', NULL])[1 + floor(random() * 5)::int]
                      FROM generate_series(1, floor(random() * 4)::int + (i * 0)) AS k),
              ARRAY(SELECT (ARRAY['direct', 'harassment', 'verbal', NULL])[1 + floor(random() * 4)::int]
                      FROM generate_series(1, floor(random() * 3)::int + (i * 0)) AS k),
              (ARRAY['individual', 'institutional', 'structural', NULL])[1 + floor(random() * 4)::int],
              (ARRAY['employment', 'housing', 'education', 'health_care', NULL])[1 + floor(random() * 5)::int],
              (ARRAY['landlord', 'employer', 'authority', NULL])[1 + floor(random() * 4)::int],
              (ARRAY['mitte', 'nord', 'sued', 'online', NULL])[1 + floor(random() * 5)::int],
              CASE WHEN s.status = 'closed' THEN (ARRAY['settled', 'no_solution', NULL])[1 + floor(random() * 3)::int] END,
              random() < 0.05
         FROM generate_series(1, 4000) AS i
         CROSS JOIN LATERAL (SELECT (ARRAY['new', 'open', 'on_hold', 'closed', 'closed'])[1 + floor(random() * 5)::int + (i * 0)] AS status) s`,
      [org, key],
    );
    // most have a first response (some within the hour, a few at the same microsecond as others: ties),
    // the closed ones a closure; times with microseconds, as now() gives them
    await c.query(
      `UPDATE case_file SET
         first_response_at = CASE WHEN random() < 0.8
           THEN created_at + (CASE WHEN random() < 0.1 THEN interval '1 hour' ELSE interval '30 days' END) * random() END,
         closed_at = CASE WHEN status = 'closed' THEN created_at + interval '200 days' * random() END`,
    );
    await c.query(
      `UPDATE case_file SET first_response_at = created_at + interval '2 days'
        WHERE id IN (SELECT id FROM case_file WHERE first_response_at IS NOT NULL ORDER BY id LIMIT 40)`,
    );
  }, 60_000);
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  /** the reference: every counted case of the period as a row, filtered here without the service's SQL */
  async function rows(code: string): Promise<CaseCodes[]> {
    const p = periodFromCode(code);
    const { rows: list } = await c.query(
      `SELECT grounds, forms, level, life_area, perpetrator_type, district, status, outcome, statistics_opt_out,
              closure_reason, extract(quarter FROM created_at AT TIME ZONE 'Europe/Berlin')::int AS quarter,
              (created_at AT TIME ZONE 'Europe/Berlin')::date::text AS day
         FROM case_file`,
    );
    return list
      .filter((r) => r.day >= p.from && r.day < p.to)
      .filter((r) => !r.statistics_opt_out && r.closure_reason !== 'spam' && r.closure_reason !== 'duplicate')
      .map((r) => ({
        grounds: (r.grounds as (string | null)[]).filter((g): g is string => g !== null),
        forms: (r.forms as (string | null)[]).filter((f): f is string => f !== null),
        level: r.level,
        lifeArea: r.life_area,
        perpetratorType: r.perpetrator_type,
        district: r.district,
        status: r.status,
        outcome: r.outcome,
        quarter: r.quarter,
      }));
  }

  /** a comparable form: maps and pair lists as sorted entries */
  const normal = (t: CaseTallies) =>
    Object.fromEntries(
      Object.entries(t).map(([k, v]) => [
        k,
        (v instanceof Map ? [...v.entries()] : (v as unknown[][]).map((x) => [...x])).sort((a, b) =>
          JSON.stringify(a).localeCompare(JSON.stringify(b)),
        ),
      ]),
    );

  it.each(['2025', '2025-Q1', '2025-Q4', '2025-03', '2025-10'])('%s: the same tallies', async (code) => {
    const cases = await rows(code);
    expect(cases.length).toBeGreaterThan(100);
    const sql = (await aggregateCases(q, periodFromCode(code))).tallies;
    expect(normal(sql)).toEqual(normal(tallyCases(cases)));
    // the data has what the test is about: missing codes, cases with several grounds, repeated grounds
    expect(sql.level.get('not_recorded')).toBeGreaterThan(0);
    expect(cases.some((x) => x.grounds.length > new Set(x.grounds).size)).toBe(true);
    expect(cases.some((x) => x.grounds.length === 0)).toBe(true);
  });

  it('publishes the same release from the SQL tallies as from the case rows', async () => {
    for (const code of ['2025', '2025-Q2']) {
      const period = periodFromCode(code);
      const rest = {
        period,
        reports: [],
        incidents: 0,
        interventions: {},
        referrals: [],
        previous: { reports: 0, incidents: 0, cases: 0 },
        sameLastYear: { reports: 0, incidents: 0, cases: 0 },
        firstResponse: { n: 0, medianDays: null },
        closure: { n: 0, medianDays: null },
        districts: ['mitte', 'nord', 'sued'],
        thresholds: { suppressionThreshold: 5, districtGroundThreshold: 10 },
      };
      const fromRows = buildStatistics({ ...rest, cases: await rows(code) });
      const fromSql = buildStatistics({ ...rest, cases: (await aggregateCases(q, period)).tallies });
      expect(fromSql).toEqual(fromRows);
      expect(fromSql.tables.length).toBeGreaterThan(5);
    }
  });
  /** the reference medians: percentile_cont over the period's counted cases, filtered as in `rows` */
  async function medians(code: string) {
    const p = periodFromCode(code);
    const days = (column: string) => `date_part('epoch', ${column} - created_at) / 86400`;
    const {
      rows: [r],
    } = await c.query(
      `SELECT count(first_response_at)::int AS n1,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ${days('first_response_at')}) AS d1,
              count(closed_at)::int AS n2,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ${days('closed_at')}) AS d2
         FROM case_file
        WHERE (created_at AT TIME ZONE 'Europe/Berlin')::date >= $1::date
          AND (created_at AT TIME ZONE 'Europe/Berlin')::date < $2::date
          AND NOT statistics_opt_out AND closure_reason IS DISTINCT FROM 'spam'
          AND closure_reason IS DISTINCT FROM 'duplicate'`,
      [p.from, p.to],
    );
    return {
      firstResponse: { n: r.n1, medianDays: r.d1 },
      closure: { n: r.n2, medianDays: r.d2 },
    };
  }

  it.each(['2025', '2025-Q1', '2025-Q4', '2025-10'])(
    '%s: the parts of its months add up to the whole period — tallies, medians, key figures',
    async (code) => {
      const period = periodFromCode(code);
      const detailed = new Set(monthsOf(period));
      const parts = new Map<string, MonthPart>();
      for (const m of releaseMonths(period)) parts.set(m, await aggregateMonth(q, m, '0', detailed.has(m)));
      const input = releaseInput(period, parts);

      expect(normal(input.cases as CaseTallies)).toEqual(normal(tallyCases(await rows(code))));
      // the medians are exactly percentile_cont's, not only to the day
      const reference = await medians(code);
      expect(reference.firstResponse.n).toBeGreaterThan(50);
      expect(reference.closure.n).toBeGreaterThan(10);
      expect(input.firstResponse).toEqual(reference.firstResponse);
      expect(input.closure).toEqual(reference.closure);
      // and the whole period aggregated at once gives the same days
      const whole = await aggregateCases(q, period);
      expect(medianOf([whole.firstResponseDays])).toEqual(reference.firstResponse);
      expect(input.previous.cases).toBe((await rows(period.previous)).length);
      expect(input.sameLastYear.cases).toBe((await rows(period.sameLastYear)).length);
    },
  );
});
