import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from 'typeorm';
import { deserializeDetail, serializeDetail, type MonthPart } from './month-parts.js';
import type { StatisticsResult } from './release-builder.js';

/**
 * The statistics cache (migrations StatisticsCache and StatisticsMonthParts: tables `statistics_change`,
 * `statistics_change_base`, `statistics_release`, `statistics_month_part`), on two levels:
 *
 * - a published release is served from `statistics_release` only when its *version* — the number of
 *   committed changes to the counted data of its months — and its parameters are the ones it was built
 *   with;
 * - otherwise it is built from the parts of its months (./month-parts.ts), and a month part is taken
 *   from `statistics_month_part` only when that month's version is the one it was aggregated at; the
 *   other months are aggregated from the data again.
 *
 * The cache therefore never shows anything the data no longer says: it only saves aggregating the same
 * data twice.
 */

/**
 * The code a release is built by: a SHA-256 over the modules that decide what a release contains —
 * the aggregation (statistics.service, month-parts), the cache, the builder, the periods, the
 * disclosure control and the vocabulary — as they are on disk in this build (.js, or .ts under the
 * tests). Part of every cached release and month part, so a deployment that changes any of them
 * rebuilds instead of serving releases or parts of the old rules; nobody has to remember to bump a
 * number.
 */
export const RELEASE_CODE: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const ext = extname(fileURLToPath(import.meta.url));
  const files = [
    join(here, `statistics.service${ext}`),
    join(here, `month-parts${ext}`),
    join(here, `statistics-cache${ext}`),
    join(here, `release-builder${ext}`),
    join(here, `period${ext}`),
    ...readdirSync(join(here, 'disclosure'))
      .filter((f) => f.endsWith(ext) && !f.includes('.spec.'))
      .sort()
      .map((f) => join(here, 'disclosure', f)),
    join(here, '..', '..', 'common', 'domain', `vocabulary${ext}`),
  ];
  const hash = createHash('sha256');
  for (const f of files) hash.update(readFileSync(f));
  return hash.digest('hex').slice(0, 16);
})();

/**
 * The data version of each of `months`, read in the caller's snapshot: its compacted changes plus its
 * changes still in the log, plus the `infinity` rows a TRUNCATE writes (they change every month).
 */
export async function monthVersions(m: EntityManager, months: string[]): Promise<Map<string, string>> {
  const rows = await m.query(
    `WITH everything AS (
       SELECT (SELECT coalesce(sum(n), 0) FROM statistics_change_base WHERE month = 'infinity')
            + (SELECT count(*) FROM statistics_change WHERE month = 'infinity') AS n),
     base AS (SELECT month, n FROM statistics_change_base WHERE month = ANY($1::date[])),
     log AS (SELECT month, count(*) AS n FROM statistics_change WHERE month = ANY($1::date[]) GROUP BY month)
     SELECT to_char(x.month, 'YYYY-MM-DD') AS month,
            (coalesce(base.n, 0) + coalesce(log.n, 0) + everything.n)::bigint::text AS version
       FROM unnest($1::date[]) AS x(month)
       LEFT JOIN base ON base.month = x.month
       LEFT JOIN log ON log.month = x.month
      CROSS JOIN everything`,
    [months],
  );
  return new Map(rows.map((r: { month: string; version: string }) => [r.month, r.version]));
}

/**
 * The version of a release: the sum of its months' versions. Each of them only ever grows, so an equal
 * sum means every month is unchanged.
 */
export function releaseVersion(versions: Map<string, string>): string {
  let sum = 0n;
  for (const v of versions.values()) sum += BigInt(v);
  return sum.toString();
}

/**
 * The stored parts of `versions`' months that are still valid: aggregated at the month's current
 * version by this code, and with detail where `detailed` asks for it (a part made for the key figures
 * only does not do for a month of the period itself).
 */
export async function readMonthParts(
  m: EntityManager,
  versions: Map<string, string>,
  detailed: Set<string>,
): Promise<Map<string, MonthPart>> {
  const rows = await m.query(
    `SELECT to_char(month, 'YYYY-MM-DD') AS month, version::text, units, detail,
            CASE WHEN month = ANY($3::date[]) THEN first_response_days END AS first_response_days,
            CASE WHEN month = ANY($3::date[]) THEN closure_days END AS closure_days
       FROM statistics_month_part WHERE month = ANY($1::date[]) AND code = $2`,
    [[...versions.keys()], RELEASE_CODE, [...detailed]],
  );
  const parts = new Map<string, MonthPart>();
  for (const r of rows) {
    if (r.version !== versions.get(r.month)) continue;
    const wanted = detailed.has(r.month);
    if (wanted && r.detail === null) continue;
    parts.set(r.month, {
      month: r.month,
      version: r.version,
      units: JSON.parse(r.units),
      detail: wanted ? deserializeDetail(r.detail, r.first_response_days, r.closure_days) : null,
    });
  }
  return parts;
}

/**
 * Stores freshly aggregated parts, unless a part of a newer version (two builds racing: the newer data
 * wins) or of the same version with detail is there already; a part of other code is replaced.
 */
export async function storeMonthParts(m: EntityManager, parts: MonthPart[]): Promise<void> {
  for (const p of parts)
    await m.query(
      `INSERT INTO statistics_month_part (month, code, version, units, detail, first_response_days, closure_days)
       VALUES ($1::date, $2, $3::bigint, $4, $5, $6, $7)
       ON CONFLICT (month) DO UPDATE
         SET code = excluded.code, version = excluded.version, units = excluded.units,
             detail = excluded.detail, first_response_days = excluded.first_response_days,
             closure_days = excluded.closure_days, computed_at = now()
       WHERE statistics_month_part.code <> excluded.code OR statistics_month_part.version < excluded.version
          OR (statistics_month_part.version = excluded.version AND statistics_month_part.detail IS NULL
              AND excluded.detail IS NOT NULL)`,
      [
        p.month,
        RELEASE_CODE,
        p.version,
        JSON.stringify(p.units),
        p.detail && serializeDetail(p.detail),
        p.detail?.firstResponseDays ?? null,
        p.detail?.closureDays ?? null,
      ],
    );
}

export interface CachedRelease {
  result: StatisticsResult;
  /** the entry was last marked as read more than an hour ago */
  readLongAgo: boolean;
}

export async function readCached(
  m: EntityManager,
  code: string,
  version: string,
  params: string,
): Promise<CachedRelease | null> {
  const [row] = await m.query(
    `SELECT body, last_read_at < now() - interval '1 hour' AS read_long_ago FROM statistics_release
      WHERE period_code = $1 AND version = $2::bigint AND params = $3`,
    [code, version, params],
  );
  return row ? { result: JSON.parse(row.body as string), readLongAgo: row.read_long_ago === true } : null;
}

/**
 * Stores a release built at `version`, unless an entry of a newer version with the same parameters is
 * already there (two builds racing: the newer data wins). Parameters that differ (settings changed)
 * are replaced by the current ones.
 */
export async function storeRelease(
  m: EntityManager,
  code: string,
  version: string,
  params: string,
  result: StatisticsResult,
  computedMs: number,
  read: boolean,
): Promise<void> {
  await m.query(
    `INSERT INTO statistics_release (period_code, version, params, body, computed_ms, last_read_at)
     VALUES ($1, $2::bigint, $3, $4, $5, CASE WHEN $6 THEN now() ELSE '-infinity'::timestamptz END)
     ON CONFLICT (period_code) DO UPDATE
       SET version = excluded.version, params = excluded.params, body = excluded.body,
           computed_at = now(), computed_ms = excluded.computed_ms,
           last_read_at = greatest(statistics_release.last_read_at, excluded.last_read_at)
     WHERE statistics_release.params <> excluded.params OR statistics_release.version < excluded.version`,
    [code, version, params, JSON.stringify(result), Math.round(computedMs), read],
  );
}

export async function markRead(m: EntityManager, code: string): Promise<void> {
  await m.query(`UPDATE statistics_release SET last_read_at = now() WHERE period_code = $1`, [code]);
}

/**
 * Moves the change log into the per-month base counts (one transaction: every snapshot sees the same
 * sum before and after, so no version changes and none goes back). Returns the number of log rows.
 */
export async function compactChanges(m: EntityManager): Promise<number> {
  const [row] = await m.query(
    `WITH gone AS (DELETE FROM statistics_change RETURNING month),
          added AS (
            INSERT INTO statistics_change_base (month, n)
            SELECT month, count(*) FROM gone GROUP BY month
            ON CONFLICT (month) DO UPDATE SET n = statistics_change_base.n + excluded.n
            RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::int AS n`,
  );
  return row.n as number;
}

/**
 * Drops the month parts that no longer describe their month (its data changed since, or the statistics
 * code did), so nothing of changed or deleted data stays in them longer than until the next refresh.
 * Only the exact stale version is deleted: a part a build stores meanwhile at a newer version stays.
 * Returns the number dropped.
 */
export async function dropStaleParts(m: EntityManager): Promise<number> {
  const parts: { month: string; version: string; code: string }[] = await m.query(
    `SELECT to_char(month, 'YYYY-MM-DD') AS month, version::text, code FROM statistics_month_part`,
  );
  if (parts.length === 0) return 0;
  const current = await monthVersions(
    m,
    parts.map((p) => p.month),
  );
  const stale = parts.filter((p) => p.code !== RELEASE_CODE || p.version !== current.get(p.month));
  if (stale.length === 0) return 0;
  const [row] = await m.query(
    `WITH gone AS (
       DELETE FROM statistics_month_part p
        USING unnest($1::date[], $2::bigint[], $3::text[]) AS s(month, version, code)
        WHERE p.month = s.month AND p.version = s.version AND p.code = s.code
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [stale.map((p) => p.month), stale.map((p) => p.version), stale.map((p) => p.code)],
  );
  return row.n as number;
}

/** Periods whose cached release was read within `days` days (the ones worth keeping warm). */
export async function recentlyReadPeriods(m: EntityManager, days: number): Promise<string[]> {
  const rows = await m.query(
    `SELECT period_code FROM statistics_release WHERE last_read_at > now() - make_interval(days => $1)
      ORDER BY last_read_at DESC`,
    [days],
  );
  return rows.map((r: { period_code: string }) => r.period_code);
}
