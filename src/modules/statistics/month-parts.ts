/**
 * Every count a release publishes is a sum over the Berlin months of its period: cases, reports and
 * incidents count in the month they were created, interventions in the month they took place,
 * referrals in the month they were sent — the same months the statistics change log records
 * (migration StatisticsCache). So the aggregation works per month: a *month part* holds one month's
 * tallies, and a release adds up the parts of its months (`releaseInput`). A part is kept in
 * `statistics_month_part` under that month's data version (./statistics-cache.ts), so after a change
 * only the changed months are aggregated again, not the whole period and its comparison periods.
 *
 * A part is internal, un-suppressed working data: codes and counts only, and the days to first
 * response and to closure of the month's counted cases (for the medians, which cannot be added up; no
 * id, nothing else about a case). Nothing of it is published except through the release builder and
 * its disclosure control.
 */
import { UNCOUNTED_CLOSURES } from '../cases/entities/case.entity.js';
import { monthsOf, periodFromCode, type Period } from './period.js';
import {
  NOT_RECORDED,
  type CaseTallies,
  type ReferralCodes,
  type ReportCodes,
  type StatisticsInput,
  type UnitCounts,
} from './release-builder.js';

/** Anything that runs SQL and gives the rows: a TypeORM EntityManager, or a wrapped pg client in tests. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

/** Period bounds as Berlin calendar days ($1 = from, $2 = to, exclusive). */
const IN_PERIOD = (column: string): string =>
  `${column} >= ($1::date::timestamp AT TIME ZONE 'Europe/Berlin') AND ${column} < ($2::date::timestamp AT TIME ZONE 'Europe/Berlin')`;
/** A report is counted unless its person opted out or it was closed as spam or duplicate. */
const REPORT_COUNTED = `NOT r.statistics_opt_out AND (r.closure_reason IS NULL OR r.closure_reason <> ALL($3::text[]))`;
/** The same for a case (erased cases still count: erasure keeps the codes). */
const CASE_COUNTED = `NOT c.statistics_opt_out AND (c.closure_reason IS NULL OR c.closure_reason <> ALL($3::text[]))`;

/**
 * The opposite of CASE_COUNTED, with the closure codes written out so that it matches the partial index
 * ix_case_uncounted (a few percent of the cases, read index-only): incidents and interventions of a
 * period are counted as "all in the period minus those of an uncounted case", which reads the period's
 * rows through their created-at index and the small partial index instead of joining every case.
 */
const CASE_UNCOUNTED = `(c.statistics_opt_out OR c.closure_reason IN (${UNCOUNTED_CLOSURES.map((r) => `'${r}'`).join(', ')}))`;

/** Days from opening to `column` (float8: date_part, where extract's numeric costs a third more). */
const DAYS = (column: string): string => `date_part('epoch', ${column} - c.created_at) / 86400`;

/** What a period's counted cases contribute: their tallies and their days to the medians. */
export interface CaseAggregate {
  tallies: CaseTallies;
  /** big-endian float8 values, ascending (MonthDetail) */
  firstResponseDays: Buffer;
  closureDays: Buffer;
}

/**
 * The counted cases of a period, aggregated in SQL in one scan: four GROUPING SETS — the codes of the
 * case itself (level, status, outcome, perpetrator), where it happened (life area, quarter, district),
 * its combination of grounds by district, its combination of forms — a few hundred to a few thousand
 * rows, where one row per case would be ~28,000 a month on a million cases; the single tallies, the
 * cross tables and each combination's distinct grounds and forms (a case counts once per ground) are
 * added up here (a DISTINCT per case costs PostgreSQL a function scan and a hash table per row, a
 * grouping set per column one hash insert per row each). And the days to first response and to closure,
 * as binary float8, ascending. A NULL code is `not_recorded`; NULL array elements are no codes and do not
 * count. Tested against `tallyCases` and percentile_cont over the same cases' rows
 * (test/statistics-tallies.e2e-spec.ts).
 */
export async function aggregateCases(q: Queryable, period: Period): Promise<CaseAggregate> {
  const days = (k: string, column: string) =>
    `SELECT '${k}', NULL, NULL, NULL, NULL, NULL, NULL::int, NULL, NULL::text[], NULL::int,
            coalesce(string_agg(float8send(${column}), ''::bytea ORDER BY ${column}) FILTER (WHERE ${column} IS NOT NULL), ''::bytea)
       FROM counted`;
  const rows = await q.query(
    `WITH counted AS MATERIALIZED (
       SELECT c.grounds, c.forms, c.level, c.life_area, c.perpetrator_type, c.district, c.status, c.outcome,
              extract(quarter FROM c.created_at AT TIME ZONE 'Europe/Berlin')::int AS quarter,
              ${DAYS('c.first_response_at')} AS first_response, ${DAYS('c.closed_at')} AS closure
         FROM case_file c
        WHERE ${IN_PERIOD('c.created_at')} AND ${CASE_COUNTED})
     SELECT CASE WHEN GROUPING(level) = 0 THEN 'codes' WHEN GROUPING(life_area) = 0 THEN 'place'
                 WHEN GROUPING(grounds) = 0 THEN 'grounds' ELSE 'forms' END AS k,
            level, status, outcome, perpetrator_type, life_area, quarter, district,
            CASE WHEN GROUPING(grounds) = 0 THEN grounds ELSE forms END AS codes,
            count(*)::int AS n, NULL::bytea AS days
       FROM counted
      GROUP BY GROUPING SETS ((level, status, outcome, perpetrator_type), (life_area, quarter, district),
                             (grounds, district), (forms))
     UNION ALL ${days('first_response', 'first_response')}
     UNION ALL ${days('closure', 'closure')}`,
    [period.from, period.to, UNCOUNTED_CLOSURES],
  );
  const t = emptyTallies();
  const lifeAreaByQuarter = new Map<string, [string, number, number]>();
  const groundByDistrict = new Map<string, [string, string, number]>();
  const out: CaseAggregate = { tallies: t, firstResponseDays: Buffer.alloc(0), closureDays: Buffer.alloc(0) };
  const add = (m: Map<string, number>, code: unknown, n: number) => {
    const c = (code as string | null) ?? NOT_RECORDED;
    m.set(c, (m.get(c) ?? 0) + n);
  };
  /** a combination of grounds or forms: each distinct code of it once (NULLs are no codes) */
  const each = (codes: unknown) =>
    [...new Set((codes as (string | null)[] | null) ?? [])].filter((x): x is string => x !== null);
  for (const r of rows) {
    const n = r.n as number;
    switch (r.k) {
      case 'codes':
        add(t.level, r.level, n);
        add(t.status, r.status, n);
        add(t.outcome, r.outcome, n);
        add(t.perpetratorType, r.perpetrator_type, n);
        break;
      case 'place': {
        const lifeArea = (r.life_area as string | null) ?? NOT_RECORDED;
        add(t.lifeArea, lifeArea, n);
        add(t.district, r.district, n);
        addPairs(lifeAreaByQuarter, [[lifeArea, r.quarter as number, n]]);
        break;
      }
      case 'grounds':
        for (const g of each(r.codes)) {
          add(t.grounds, g, n);
          addPairs(groundByDistrict, [[g, (r.district as string | null) ?? NOT_RECORDED, n]]);
        }
        break;
      case 'forms':
        for (const f of each(r.codes)) add(t.forms, f, n);
        break;
      case 'first_response':
        out.firstResponseDays = r.days as Buffer;
        break;
      case 'closure':
        out.closureDays = r.days as Buffer;
        break;
    }
  }
  t.lifeAreaByQuarter = [...lifeAreaByQuarter.values()];
  t.groundByDistrict = [...groundByDistrict.values()];
  return out;
}

function emptyTallies(): CaseTallies {
  return {
    grounds: new Map(),
    forms: new Map(),
    level: new Map(),
    lifeArea: new Map(),
    perpetratorType: new Map(),
    district: new Map(),
    status: new Map(),
    outcome: new Map(),
    lifeAreaByQuarter: [],
    groundByDistrict: [],
  };
}

/** The one-code tallies of `t` by name (to add up months). */
function singleTallies(t: CaseTallies): Record<string, Map<string, number>> {
  return {
    ground: t.grounds,
    form: t.forms,
    level: t.level,
    life_area: t.lifeArea,
    perpetrator_type: t.perpetratorType,
    district: t.district,
    status: t.status,
    outcome: t.outcome,
  };
}

/** What a release reads of the month it counts in, besides the key figures. */
export interface MonthDetail {
  cases: CaseTallies;
  /** [channel, reporter role, life area, reports] */
  reports: Array<[string | null, string | null, string | null, number]>;
  /** intervention entries of the month, by type */
  interventions: Record<string, number>;
  /** [service, status, outcome, referrals] sent in the month, of counted cases */
  referrals: Array<[string, string, string | null, number]>;
  /**
   * days from opening to first response, and to closure, of the month's counted cases: big-endian
   * float8 values, ascending (the medians of several months are taken over all their values)
   */
  firstResponseDays: Buffer;
  closureDays: Buffer;
}

export interface MonthPart {
  /** first day, `YYYY-MM-DD` */
  month: string;
  /** the month's data version the part was aggregated at (./statistics-cache.ts) */
  version: string;
  units: UnitCounts;
  /** null for a part made for the key figures only (a month of a comparison period) */
  detail: MonthDetail | null;
}

/** The Berlin month starting on `month` (`YYYY-MM-01`) as a period. */
const monthPeriod = (month: string): Period => periodFromCode(month.slice(0, 7));

/** The incidents of a period ($1, $2) whose case counts. */
const INCIDENTS = `(SELECT count(*)::int FROM incident i WHERE ${IN_PERIOD('i.created_at')})
   - (SELECT count(*)::int FROM incident i JOIN case_file c ON c.id = i.case_id
       WHERE ${IN_PERIOD('i.created_at')} AND ${CASE_UNCOUNTED})`;

/** Reports, incidents (of counted cases) and cases created in a period. */
async function unitCounts(q: Queryable, period: Period): Promise<UnitCounts> {
  const [row] = await q.query(
    `SELECT
       (SELECT count(*)::int FROM report r WHERE ${IN_PERIOD('r.created_at')} AND ${REPORT_COUNTED}) AS reports,
       (${INCIDENTS}) AS incidents,
       (SELECT count(*)::int FROM case_file c WHERE ${IN_PERIOD('c.created_at')} AND ${CASE_COUNTED}) AS cases`,
    [period.from, period.to, UNCOUNTED_CLOSURES],
  );
  return { reports: row.reports as number, incidents: row.incidents as number, cases: row.cases as number };
}

/**
 * Aggregates one month in the caller's transaction (codes only). `detail` false: the key figures
 * only, for a month of a comparison period.
 */
export async function aggregateMonth(
  q: Queryable,
  month: string,
  version: string,
  detail: boolean,
): Promise<MonthPart> {
  const period = monthPeriod(month);
  if (!detail) return { month, version, units: await unitCounts(q, period), detail: null };
  const args = [period.from, period.to, UNCOUNTED_CLOSURES];
  const cases = await aggregateCases(q, period);
  const reportRows = await q.query(
    `SELECT r.channel, r.reporter_role, r.life_area, count(*)::int AS n, NULL::int AS incidents FROM report r
      WHERE ${IN_PERIOD('r.created_at')} AND ${REPORT_COUNTED} GROUP BY 1, 2, 3
     UNION ALL SELECT NULL, NULL, NULL, NULL, ${INCIDENTS}`,
    args,
  );
  const reports = reportRows
    .filter((r) => r.n !== null)
    .map((r) => [r.channel, r.reporter_role, r.life_area, r.n] as MonthDetail['reports'][number]);
  const interventions: Record<string, number> = {};
  for (const r of await q.query(
    `SELECT e.meta->>'type' AS type, count(*)::int AS n
       FROM case_entry e
      WHERE e.kind = 'intervention' AND ${IN_PERIOD('e.at')}
        AND NOT EXISTS (SELECT 1 FROM case_file c WHERE c.id = e.case_id AND ${CASE_UNCOUNTED})
      GROUP BY 1`,
    args.slice(0, 2),
  ))
    interventions[(r.type as string | null) ?? NOT_RECORDED] = r.n as number;
  // referrals sent in the month (drafts never count), of counted cases only
  const referrals = (
    await q.query(
      `SELECT f.service_type, f.status, f.outcome, count(*)::int AS n
         FROM referral f JOIN case_file c ON c.id = f.case_id
        WHERE f.sent_at IS NOT NULL AND ${IN_PERIOD('f.sent_at')} AND ${CASE_COUNTED}
        GROUP BY 1, 2, 3`,
      args,
    )
  ).map((r) => [r.service_type, r.status, r.outcome, r.n] as MonthDetail['referrals'][number]);
  let reportCount = 0;
  for (const r of reports) reportCount += r[3];
  let caseCount = 0;
  for (const n of cases.tallies.status.values()) caseCount += n;
  return {
    month,
    version,
    units: {
      reports: reportCount,
      incidents: reportRows.find((r) => r.n === null)!.incidents as number,
      cases: caseCount,
    },
    detail: {
      cases: cases.tallies,
      reports,
      interventions,
      referrals,
      firstResponseDays: cases.firstResponseDays,
      closureDays: cases.closureDays,
    },
  };
}

/** A part's body for storage (JSON: the maps as entry lists; the days are stored as they are). */
export function serializeDetail(d: MonthDetail): string {
  const { cases, reports, interventions, referrals } = d;
  return JSON.stringify({
    cases: Object.fromEntries(
      Object.entries(cases).map(([k, v]) => [k, v instanceof Map ? [...v.entries()] : v]),
    ),
    reports,
    interventions,
    referrals,
  });
}

export function deserializeDetail(body: string, firstResponseDays: Buffer, closureDays: Buffer): MonthDetail {
  const raw = JSON.parse(body) as Omit<MonthDetail, 'cases' | 'firstResponseDays' | 'closureDays'> & {
    cases: Record<string, unknown[]>;
  };
  const cases = emptyTallies();
  for (const [k, v] of Object.entries(raw.cases)) {
    const target = cases[k as keyof CaseTallies];
    if (target instanceof Map) for (const [code, n] of v as [string, number][]) target.set(code, n);
    else (target as unknown[]).push(...v);
  }
  return { ...raw, cases, firstResponseDays, closureDays };
}

/** Days as stored: big-endian float8 values. */
function days(buf: Buffer): Float64Array {
  const out = new Float64Array(buf.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = buf.readDoubleBE(i * 8);
  return out;
}

/**
 * The median of the values of several months, computed exactly as PostgreSQL's
 * `percentile_cont(0.5)` over all of them (position 0.5 × (n − 1), linear between its neighbours), so
 * it is the same number the period-wide SQL gave.
 */
export function medianOf(parts: Buffer[]): { n: number; medianDays: number | null } {
  const all = new Float64Array(parts.reduce((s, b) => s + b.length / 8, 0));
  let at = 0;
  for (const b of parts) {
    all.set(days(b), at);
    at += b.length / 8;
  }
  if (all.length === 0) return { n: 0, medianDays: null };
  all.sort();
  const pos = 0.5 * (all.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const medianDays = lo === hi ? all[lo] : all[lo] + (pos - lo) * (all[hi] - all[lo]);
  return { n: all.length, medianDays };
}

function addTo(target: Map<string, number>, from: Map<string, number>): void {
  for (const [k, n] of from) target.set(k, (target.get(k) ?? 0) + n);
}

/** Adds pairs of codes with their number into `target`, keyed by the pair. */
function addPairs<A, B>(target: Map<string, [A, B, number]>, from: Array<[A, B, number]>): void {
  for (const [a, b, n] of from) {
    const key = JSON.stringify([a, b]);
    const entry = target.get(key);
    if (entry) entry[2] += n;
    else target.set(key, [a, b, n]);
  }
}

function sumUnits(parts: MonthPart[]): UnitCounts {
  const u = { reports: 0, incidents: 0, cases: 0 };
  for (const p of parts) {
    u.reports += p.units.reports;
    u.incidents += p.units.incidents;
    u.cases += p.units.cases;
  }
  return u;
}

/**
 * The builder's input for `period` from the parts of its months (with detail), of its previous period
 * and of the same period a year earlier (key figures).
 */
export function releaseInput(
  period: Period,
  parts: Map<string, MonthPart>,
): Omit<StatisticsInput, 'period' | 'districts' | 'thresholds'> {
  const of = (p: Period) =>
    monthsOf(p).map((m) => {
      const part = parts.get(m);
      if (!part) throw new Error(`statistics: no part for ${m}`);
      return part;
    });
  const current = of(period).map((p) => {
    if (!p.detail) throw new Error(`statistics: no detail for ${p.month}`);
    return p.detail;
  });
  const cases = emptyTallies();
  const single = singleTallies(cases);
  const lifeAreaByQuarter = new Map<string, [string, number, number]>();
  const groundByDistrict = new Map<string, [string, string, number]>();
  const interventions: Record<string, number> = {};
  for (const d of current) {
    for (const [k, map] of Object.entries(singleTallies(d.cases))) addTo(single[k], map);
    addPairs(lifeAreaByQuarter, d.cases.lifeAreaByQuarter);
    addPairs(groundByDistrict, d.cases.groundByDistrict);
    for (const [k, n] of Object.entries(d.interventions)) interventions[k] = (interventions[k] ?? 0) + n;
  }
  cases.lifeAreaByQuarter = [...lifeAreaByQuarter.values()];
  cases.groundByDistrict = [...groundByDistrict.values()];
  return {
    cases,
    reports: current.flatMap((d) =>
      d.reports.map(([channel, reporterRole, lifeArea, n]): ReportCodes => ({
        channel: channel as string,
        reporterRole: reporterRole as string,
        lifeArea: lifeArea as string,
        n,
      })),
    ),
    incidents: sumUnits(of(period)).incidents,
    interventions,
    referrals: current.flatMap((d) =>
      d.referrals.map(([serviceType, status, outcome, n]): ReferralCodes => ({
        serviceType,
        status,
        outcome,
        n,
      })),
    ),
    previous: sumUnits(of(periodFromCode(period.previous))),
    sameLastYear: sumUnits(of(periodFromCode(period.sameLastYear))),
    firstResponse: medianOf(current.map((d) => d.firstResponseDays)),
    closure: medianOf(current.map((d) => d.closureDays)),
  };
}
