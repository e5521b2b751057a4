import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from 'typeorm';
import { periodFromCode, type Period } from './period.js';
import type { StatisticsResult } from './release-builder.js';

/**
 * The cache of published releases (migration StatisticsCache: tables `statistics_change`,
 * `statistics_change_base`, `statistics_release`). A release is served from the cache only when its
 * *version* — the number of committed changes to the counted data of its months — and its parameters
 * are the ones it was built with; otherwise it is built from the data as before. The cache therefore
 * never shows anything the data no longer says: it only saves building the same release twice.
 */

/**
 * The code a release is built by: a SHA-256 over the modules that decide what a release contains —
 * the aggregation (statistics.service), the builder, the periods, the disclosure control and the
 * vocabulary — as they are on disk in this build (.js, or .ts under the tests). Part of every cache
 * entry's parameters, so a deployment that changes any of them rebuilds instead of serving releases of
 * the old rules; nobody has to remember to bump a number.
 */
export const RELEASE_CODE: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const ext = extname(fileURLToPath(import.meta.url));
  const files = [
    join(here, `statistics.service${ext}`),
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

/** First days (`YYYY-MM-DD`) of the Berlin months a period covers. */
export function monthsOf(period: Period): string[] {
  const out: string[] = [];
  let [y, m] = period.from.split('-').map(Number);
  for (;;) {
    const day = `${y}-${String(m).padStart(2, '0')}-01`;
    if (day >= period.to) return out;
    out.push(day);
    m++;
    if (m === 13) [y, m] = [y + 1, 1];
  }
}

/**
 * Every month whose data a release of `period` reads: the period itself, the previous period and the
 * same period a year earlier (their key figures are compared).
 */
export function releaseMonths(period: Period): string[] {
  const all = [period, periodFromCode(period.previous), periodFromCode(period.sameLastYear)].flatMap(
    monthsOf,
  );
  return [...new Set(all)].sort();
}

/**
 * The version of the data of `months`, read in the caller's snapshot: compacted changes plus the
 * changes still in the log, and the `infinity` rows a TRUNCATE writes.
 */
export async function dataVersion(m: EntityManager, months: string[]): Promise<string> {
  const [row] = await m.query(
    `SELECT ((SELECT coalesce(sum(n), 0) FROM statistics_change_base
               WHERE month = ANY($1::date[]) OR month = 'infinity')
           + (SELECT count(*) FROM statistics_change
               WHERE month = ANY($1::date[]) OR month = 'infinity'))::bigint::text AS version`,
    [months],
  );
  return row.version as string;
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

/** Periods whose cached release was read within `days` days (the ones worth keeping warm). */
export async function recentlyReadPeriods(m: EntityManager, days: number): Promise<string[]> {
  const rows = await m.query(
    `SELECT period_code FROM statistics_release WHERE last_read_at > now() - make_interval(days => $1)
      ORDER BY last_read_at DESC`,
    [days],
  );
  return rows.map((r: { period_code: string }) => r.period_code);
}
