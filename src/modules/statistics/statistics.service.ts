import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { asSystem } from '../cases/case-access.js';
import { UNCOUNTED_CLOSURES } from '../cases/entities/case.entity.js';
import { SettingsService } from '../settings/settings.service.js';
import { methodologyNote } from './disclosure/index.js';
import { periodFromCode, type Period } from './period.js';
import {
  dataVersion,
  markRead,
  readCached,
  releaseMonths,
  RELEASE_CODE,
  storeRelease,
} from './statistics-cache.js';
import {
  buildStatistics,
  NOT_RECORDED,
  type CaseTallies,
  type ReferralCodes,
  type ReportCodes,
  type StatisticsResult,
  type UnitCounts,
} from './release-builder.js';

export interface StatisticsView extends StatisticsResult {
  methodology: { lang: 'de' | 'en'; text: string };
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
 * ix_case_uncounted (a few percent of the cases): incidents and interventions of a period are counted as
 * "all in the period minus those of an uncounted case", which reads the period's rows through their
 * created-at index and the small partial index instead of joining every case of the table.
 */
const CASE_UNCOUNTED = `(c.statistics_opt_out OR c.closure_reason IN (${UNCOUNTED_CLOSURES.map((r) => `'${r}'`).join(', ')}))`;

/** Rows of codes with their number `n` → the list with each code combination `n` times (shared objects). */
function repeatByCount<T>(rows: Record<string, unknown>[], make: (r: Record<string, unknown>) => T): T[] {
  const out: T[] = [];
  for (const r of rows) {
    const codes = make(r);
    for (let i = 0; i < (r.n as number); i++) out.push(codes);
  }
  return out;
}

/** Anything that runs SQL and gives the rows: a TypeORM EntityManager, or a wrapped pg client in tests. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

/**
 * The counted cases of a period, tallied in SQL (CaseTallies): one scan of the period's cases, then
 * GROUPING SETS per code column and for life area × quarter, and over each case's distinct grounds
 * (alone and × district) and forms — a few hundred rows, where one row per case would be ~80,000 a
 * quarter on a million cases (their code combinations are nearly all different). A NULL code is
 * `not_recorded`; NULL array elements are no codes and do not count. Tested against `tallyCases` over
 * the same cases' rows (test/statistics-tallies.e2e-spec.ts).
 */
export async function caseTallies(q: Queryable, period: Period): Promise<CaseTallies> {
  const rows = await q.query(
    `WITH counted AS MATERIALIZED (
       SELECT c.grounds, c.forms, c.level, c.life_area, c.perpetrator_type, c.district, c.status, c.outcome,
              extract(quarter FROM c.created_at AT TIME ZONE 'Europe/Berlin')::int AS quarter
         FROM case_file c
        WHERE ${IN_PERIOD('c.created_at')} AND ${CASE_COUNTED})
     SELECT CASE WHEN GROUPING(level) = 0 THEN 'level'
                 WHEN GROUPING(perpetrator_type) = 0 THEN 'perpetrator_type'
                 WHEN GROUPING(district) = 0 THEN 'district'
                 WHEN GROUPING(status) = 0 THEN 'status'
                 WHEN GROUPING(outcome) = 0 THEN 'outcome'
                 WHEN GROUPING(quarter) = 0 THEN 'life_area_quarter'
                 ELSE 'life_area' END AS k,
            CASE WHEN GROUPING(level) = 0 THEN level
                 WHEN GROUPING(perpetrator_type) = 0 THEN perpetrator_type
                 WHEN GROUPING(district) = 0 THEN district
                 WHEN GROUPING(status) = 0 THEN status
                 WHEN GROUPING(outcome) = 0 THEN outcome
                 ELSE life_area END AS a,
            quarter::text AS b, count(*)::int AS n
       FROM counted
      GROUP BY GROUPING SETS ((level), (life_area), (perpetrator_type), (district), (status), (outcome),
                             (life_area, quarter))
     UNION ALL
     SELECT CASE WHEN GROUPING(district) = 0 THEN 'ground_district' ELSE 'ground' END, g, district, count(*)::int
       FROM counted CROSS JOIN LATERAL (SELECT DISTINCT g FROM unnest(counted.grounds) AS g WHERE g IS NOT NULL) x
      GROUP BY GROUPING SETS ((g), (g, district))
     UNION ALL
     SELECT 'form', f, NULL, count(*)::int
       FROM counted CROSS JOIN LATERAL (SELECT DISTINCT f FROM unnest(counted.forms) AS f WHERE f IS NOT NULL) x
      GROUP BY f`,
    [period.from, period.to, UNCOUNTED_CLOSURES],
  );
  const t: CaseTallies = {
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
  const single: Record<string, Map<string, number>> = {
    ground: t.grounds,
    form: t.forms,
    level: t.level,
    life_area: t.lifeArea,
    perpetrator_type: t.perpetratorType,
    district: t.district,
    status: t.status,
    outcome: t.outcome,
  };
  for (const r of rows) {
    const code = (r.a as string | null) ?? NOT_RECORDED;
    const n = r.n as number;
    if (r.k === 'life_area_quarter') t.lifeAreaByQuarter.push([code, Number(r.b), n]);
    else if (r.k === 'ground_district')
      t.groundByDistrict.push([code, (r.b as string | null) ?? NOT_RECORDED, n]);
    else single[r.k as string].set(code, n);
  }
  return t;
}

/**
 * Anonymised statistics across all organisations. Reads codes only — never a narrative, note or any
 * other free text — inside `asSystem` (case tables have row-level security per organisation), and
 * publishes nothing that has not gone through disclosure control.
 */
@Injectable()
export class StatisticsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly settings: SettingsService,
  ) {}

  async thresholds(): Promise<{ suppressionThreshold: number; districtGroundThreshold: number }> {
    return {
      suppressionThreshold: await this.settings.getInt('statistics.suppression_threshold'),
      districtGroundThreshold: await this.settings.getInt('statistics.district_ground_threshold'),
    };
  }

  /** The first year with any report or case (for the period picker); the current year without data. */
  async firstYear(): Promise<number> {
    const rows = await asSystem(this.db, (m) =>
      m.query(
        `SELECT extract(year FROM least(
           (SELECT min(created_at) FROM report), (SELECT min(created_at) FROM case_file)
         ) AT TIME ZONE 'Europe/Berlin')::int AS y`,
      ),
    );
    return (rows[0]?.y as number | null) ?? new Date().getFullYear();
  }

  async release(period: Period, lang: string): Promise<StatisticsView> {
    const { result } = await this.publish(period, true);
    const methodologyLang = lang === 'en' ? 'en' : 'de';
    return {
      ...result,
      methodology: {
        lang: methodologyLang,
        text: methodologyNote(methodologyLang, result.thresholds.base, result.thresholds.districtGround),
      },
    };
  }

  /**
   * The published release of a period: from the cache (./statistics-cache.ts) when nothing it counts
   * has changed since it was built with the same thresholds and districts, otherwise built from the
   * data and cached. The version and the data are read in one REPEATABLE READ snapshot, so a release
   * is never stored under a version that does not describe exactly the data it was built from.
   * `read` is false for the refresh job: only officers' requests keep an entry warm.
   */
  async publish(period: Period, read: boolean): Promise<{ result: StatisticsResult; cached: boolean }> {
    const thresholds = await this.thresholds();
    const districts = (await this.settings.districts()).map((d) => d.code);
    const params = JSON.stringify({ format: RELEASE_CODE, thresholds, districts });
    const started = performance.now();
    const got = await asSystem(
      this.db,
      async (m) => {
        const version = await dataVersion(m, releaseMonths(period));
        const cached = await readCached(m, period.code, version, params);
        if (cached) return { hit: true as const, version, cached };
        // these mid-sized aggregates are over the JIT threshold, but compiling costs more than it saves
        await m.query('SET LOCAL jit = off');
        return { hit: false as const, version, input: await this.aggregate(m, period) };
      },
      'REPEATABLE READ',
    );
    if (got.hit) {
      if (read && got.cached.readLongAgo) await markRead(this.db.manager, period.code);
      return { result: got.cached.result, cached: true };
    }
    const result = buildStatistics({ period, districts, thresholds, ...got.input });
    await storeRelease(
      this.db.manager,
      period.code,
      got.version,
      params,
      result,
      performance.now() - started,
      read,
    );
    return { result, cached: false };
  }

  /** Every count a release is built from, read in the caller's transaction (codes only). */
  private async aggregate(m: EntityManager, period: Period) {
    const args = [period.from, period.to, UNCOUNTED_CLOSURES];
    // the cases tallied in SQL (a few hundred rows); the reports arrive grouped by code combination with
    // their number and are repeated here (a few hundred combinations instead of ~90,000 rows a quarter)
    const cases = await caseTallies(m, period);
    const reports = repeatByCount(
      await m.query(
        `SELECT r.channel, r.reporter_role, r.life_area, count(*)::int AS n FROM report r
          WHERE ${IN_PERIOD('r.created_at')} AND ${REPORT_COUNTED} GROUP BY 1, 2, 3`,
        args,
      ),
      (r): ReportCodes => ({
        channel: r.channel as string,
        reporterRole: r.reporter_role as string,
        lifeArea: r.life_area as string,
      }),
    );
    const interventions: Record<string, number> = {};
    for (const r of await m.query(
      `SELECT e.meta->>'type' AS type, count(*)::int AS n
         FROM case_entry e
        WHERE e.kind = 'intervention' AND ${IN_PERIOD('e.at')}
          AND NOT EXISTS (SELECT 1 FROM case_file c WHERE c.id = e.case_id AND ${CASE_UNCOUNTED})
        GROUP BY 1 ORDER BY 1`,
      args.slice(0, 2),
    ))
      interventions[(r.type as string | null) ?? 'not_recorded'] = r.n as number;
    // referrals sent in the period (drafts never count), of counted cases only
    const referrals = (
      await m.query(
        `SELECT f.service_type, f.status, f.outcome
           FROM referral f JOIN case_file c ON c.id = f.case_id
          WHERE f.sent_at IS NOT NULL AND ${IN_PERIOD('f.sent_at')} AND ${CASE_COUNTED}
          ORDER BY f.id`,
        args,
      )
    ).map((r: Record<string, string | null>): ReferralCodes => ({
      serviceType: r.service_type as string,
      status: r.status as string,
      outcome: r.outcome,
    }));
    const median = async (column: string) => {
      const [row] = await m.query(
        `SELECT count(*)::int AS n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ${column} - c.created_at) / 86400) AS d
           FROM case_file c
          WHERE ${IN_PERIOD('c.created_at')} AND ${CASE_COUNTED} AND ${column} IS NOT NULL`,
        args,
      );
      return { n: row.n as number, medianDays: row.d === null ? null : Number(row.d) };
    };
    return {
      cases,
      reports,
      interventions,
      referrals,
      incidents: (await this.counts(m, period)).incidents,
      previous: await this.counts(m, periodFromCode(period.previous)),
      sameLastYear: await this.counts(m, periodFromCode(period.sameLastYear)),
      firstResponse: await median('c.first_response_at'),
      closure: await median('c.closed_at'),
    };
  }

  /** Reports, incidents (of counted cases) and cases created in a period. */
  private async counts(m: EntityManager, period: Period): Promise<UnitCounts> {
    const [row] = await m.query(
      `SELECT
         (SELECT count(*)::int FROM report r WHERE ${IN_PERIOD('r.created_at')} AND ${REPORT_COUNTED}) AS reports,
         (SELECT count(*)::int FROM incident i WHERE ${IN_PERIOD('i.created_at')})
           - (SELECT count(*)::int FROM incident i JOIN case_file c ON c.id = i.case_id
               WHERE ${IN_PERIOD('i.created_at')} AND ${CASE_UNCOUNTED}) AS incidents,
         (SELECT count(*)::int FROM case_file c WHERE ${IN_PERIOD('c.created_at')} AND ${CASE_COUNTED}) AS cases`,
      [period.from, period.to, UNCOUNTED_CLOSURES],
    );
    return { reports: row.reports, incidents: row.incidents, cases: row.cases };
  }
}
