/* global fetch, process */
// The officer's dashboard on a million cases: GET /api/v1/statistics?period=<quarter> (the JSON release)
// and GET /statistics?period=<quarter> (the server-rendered page with its SVG charts) through the app,
// one request at a time as an officer would load it, next to the raw SQL aggregation in the same run —
// the same counts the release is built from (every dimension and cross table of the quarter, the unit
// counts of the quarter, the previous quarter and the same quarter a year earlier, both medians),
// written directly as GROUP BY queries and run through pg in one transaction with the same
// `anl.scope = system` setting the service uses, as the restricted app role, with the same query shapes
// and indexes the service uses (and JIT off, as there). Goal (statistics issue):
// the dashboard at most 1.5× the raw SQL and under 300 ms. Three kinds of request are measured, each
// checked against the cache's build time: *cached* (nothing the quarter counts changed since the release
// was built — the usual case, and what the five-minute refresh job restores after a change), *rebuilt*
// (the first request right after a counted change in one month of the quarter, before the refresh job
// ran: that month is aggregated again, the other months' parts are read from statistics_month_part) and
// *first build* (no release and no month part cached: every month of the quarter and of its comparison
// periods aggregated — a period nobody opened since a deployment changed the statistics code). What a
// build costs besides the SQL: shipping the rows to Node, adding up the months, building the tables,
// disclosure control (the suppression LP), rendering; a cached request: the version check, reading the
// stored release, rendering.
// Seeding: bench/lib/million.mjs (once per run, shared with the work lists).
import pg from 'pg';
import {
  changeQuarter,
  millionCases,
  officerLogin,
  releaseBuiltAt,
  seedingRows,
  TOTAL,
} from '../lib/million.mjs';

export const GOAL_RATIO = 1.5;
export const GOAL_MS = 300;
/** cached requests after each rebuild */
const WARM = 5;

/** a complete quarter with a previous quarter and a year-earlier quarter in the seeded three years */
export function benchQuarter(now = new Date()) {
  const y = now.getUTCFullYear();
  const q = Math.floor(now.getUTCMonth() / 3) + 1;
  return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
}

/** [from, to) of a quarter code as Berlin calendar days, like src/modules/statistics/period.ts */
function quarterBounds(code) {
  const [y, q] = code.split('-Q').map(Number);
  const from = `${y}-${String(3 * (q - 1) + 1).padStart(2, '0')}-01`;
  const to = q === 4 ? `${y + 1}-01-01` : `${y}-${String(3 * q + 1).padStart(2, '0')}-01`;
  return { from, to };
}
const shift = (code, quarters) => {
  const [y, q] = code.split('-Q').map(Number);
  const n = y * 4 + (q - 1) + quarters;
  return `${Math.floor(n / 4)}-Q${(n % 4) + 1}`;
};

const IN = (col) =>
  `${col} >= ($1::date::timestamp AT TIME ZONE 'Europe/Berlin') AND ${col} < ($2::date::timestamp AT TIME ZONE 'Europe/Berlin')`;
const CASE_OK = `NOT c.statistics_opt_out AND (c.closure_reason IS NULL OR c.closure_reason <> ALL($3::text[]))`;
const REPORT_OK = `NOT r.statistics_opt_out AND (r.closure_reason IS NULL OR r.closure_reason <> ALL($3::text[]))`;
const CASES = `FROM case_file c WHERE ${IN('c.created_at')} AND ${CASE_OK}`;
const REPORTS = `FROM report r WHERE ${IN('r.created_at')} AND ${REPORT_OK}`;
const UNCOUNTED = ['duplicate', 'spam'];
/** the cases that never count, written to match the partial index ix_case_uncounted */
const CASE_NOT_OK = `(c.statistics_opt_out OR c.closure_reason IN ('duplicate', 'spam'))`;

/** every aggregate the dashboard publishes for one quarter, as plain SQL (the ceiling) */
export function rawStatements(code) {
  const cur = quarterBounds(code);
  const args = (b) => [b.from, b.to, UNCOUNTED];
  const byArr = (col) => `SELECT x AS k, count(*)::int AS n FROM case_file c, unnest(c.${col}) x
                            WHERE ${IN('c.created_at')} AND ${CASE_OK} GROUP BY 1`;
  const counts = `SELECT
      (SELECT count(*)::int ${REPORTS}) AS reports,
      (SELECT count(*)::int FROM incident i WHERE ${IN('i.created_at')})
        - (SELECT count(*)::int FROM incident i JOIN case_file c ON c.id = i.case_id
            WHERE ${IN('i.created_at')} AND ${CASE_NOT_OK}) AS incidents,
      (SELECT count(*)::int ${CASES}) AS cases`;
  // one pass per unit and array where SQL allows it: GROUPING SETS over the period's cases (every code
  // column, life area × quarter), over their grounds (alone and × district), their forms, the reports
  // (channel, role, life area); the interventions; both medians in one query with FILTER
  const q = [
    `SELECT c.level, c.life_area, c.perpetrator_type, c.district, c.status, c.outcome,
            extract(quarter FROM c.created_at AT TIME ZONE 'Europe/Berlin')::int AS q, count(*)::int AS n ${CASES}
      GROUP BY GROUPING SETS ((1), (2), (3), (4), (5), (6), (2, 7))`,
    `SELECT x AS k, c.district AS d, count(*)::int AS n FROM case_file c, unnest(c.grounds) x
       WHERE ${IN('c.created_at')} AND ${CASE_OK} GROUP BY GROUPING SETS ((1), (1, 2))`,
    byArr('forms'),
    `SELECT r.channel, r.reporter_role, r.life_area, count(*)::int AS n ${REPORTS} GROUP BY GROUPING SETS ((1), (2), (3))`,
    `SELECT e.meta->>'type' AS k, count(*)::int AS n FROM case_entry e
       WHERE e.kind = 'intervention' AND ${IN('e.at')} AND $3::text[] IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM case_file c WHERE c.id = e.case_id AND ${CASE_NOT_OK}) GROUP BY 1`,
    `SELECT count(*) FILTER (WHERE c.first_response_at IS NOT NULL)::int AS n1,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.first_response_at - c.created_at) / 86400)
              FILTER (WHERE c.first_response_at IS NOT NULL) AS d1,
            count(*) FILTER (WHERE c.closed_at IS NOT NULL)::int AS n2,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.closed_at - c.created_at) / 86400)
              FILTER (WHERE c.closed_at IS NOT NULL) AS d2
       ${CASES}`,
  ].map((text) => ({ text, values: args(cur) }));
  for (const other of [shift(code, -1), shift(code, -4)])
    q.push({ text: counts, values: args(quarterBounds(other)) });
  q.push({ text: counts, values: args(cur) });
  return q;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
function summary(latencies) {
  const s = [...latencies].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 0.5), p95: pct(s, 0.95), max: s.at(-1) };
}

/** the raw aggregation as the restricted app role, in one `anl.scope = system` transaction */
async function rawRound(c, statements) {
  await c.query('BEGIN');
  await c.query(`SELECT set_config('anl.scope', 'system', true)`);
  await c.query('SET LOCAL jit = off');
  for (const s of statements) await c.query(s.text, s.values);
  await c.query('COMMIT');
}

export default {
  name: 'statistics',
  description: `the officer's dashboard for one quarter on ${TOTAL.toLocaleString('en')} cases vs the same aggregates in raw SQL`,
  /** seeding (when this case runs first) and the sequential loops */
  extraBudgetS: 420,
  async run({ app, db, opts, result, log }) {
    const { seeded } = await millionCases({ app, db, log });
    const officer = await officerLogin({ app, db, log });
    const headers = { cookie: officer.browser.cookieHeader() };
    const period = benchQuarter();
    const api = `${app.url}/api/v1/statistics?period=${period}`;
    const page = `${app.url}/statistics?period=${period}`;

    const probe = await fetch(api, { headers });
    if (probe.status !== 200) throw new Error(`${api}: ${probe.status} ${await probe.text()}`);
    const body = await probe.json();
    const cases = body.keyFigures?.find((k) => k.unit === 'cases')?.current;
    log(`  ${period}: ${body.tables?.length} tables, cases ${JSON.stringify(cases)}`);
    const get = (url) => async () => {
      const res = await fetch(url, { headers });
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      await res.arrayBuffer();
    };

    // raw SQL, the JSON API and the page take turns (one cycle per round), so all see the same background
    // load on this shared machine; warm-up rounds are discarded. Each round: the raw SQL; the API with
    // nothing cached (first build); a counted change in the quarter's first month (one case reclassified,
    // as a counsellor would), then the API — which must rebuild the release (cold: checked by its build
    // time) — then WARM requests of the API, served from the cache (checked: not rebuilt); the same for
    // the page.
    const c = new pg.Client({ connectionString: db.appUrl });
    await c.connect();
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const statements = rawStatements(period);
    const lat = { raw: [], jsonFirst: [], jsonCold: [], jsonWarm: [], htmlCold: [], htmlWarm: [] };
    const time = async (fn) => {
      const t0 = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    /** one cold request after a counted change, then WARM cached ones; both checked against the cache */
    const coldThenWarm = async (url) => {
      const before = await changeQuarter(owner, period);
      const cold = await time(get(url));
      const built = await releaseBuiltAt(owner, period);
      if (built === before) throw new Error(`${url}: not rebuilt after a change in ${period}`);
      const warm = [];
      for (let i = 0; i < WARM; i++) warm.push(await time(get(url)));
      if ((await releaseBuiltAt(owner, period)) !== built)
        throw new Error(`${url}: rebuilt without a change`);
      return { cold, warm };
    };
    /** a build with nothing cached: no release, no month part */
    const firstBuild = async (url) => {
      await owner.query('DELETE FROM statistics_month_part; DELETE FROM statistics_release');
      const t = await time(get(url));
      if ((await releaseBuiltAt(owner, period)) === null) throw new Error(`${url}: not built`);
      return t;
    };
    try {
      for (const [seconds, record] of [
        [opts.warmupS, false],
        [opts.durationS * 3, true],
      ]) {
        const until = Date.now() + seconds * 1000;
        let rounds = 0;
        while (Date.now() < until || rounds < (record ? 5 : 1)) {
          rounds++;
          const r = await time(() => rawRound(c, statements));
          const first = await firstBuild(api);
          const j = await coldThenWarm(api);
          const h = await coldThenWarm(page);
          if (!record) continue;
          lat.raw.push(r);
          lat.jsonFirst.push(first);
          lat.jsonCold.push(j.cold);
          lat.jsonWarm.push(...j.warm);
          lat.htmlCold.push(h.cold);
          lat.htmlWarm.push(...h.warm);
        }
      }
    } finally {
      await c.end();
      await owner.end();
    }
    const s = Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, summary(v)]));
    log(
      `  raw SQL p50 ${s.raw.p50.toFixed(0)} ms (${s.raw.n} rounds); API first build p50 ${s.jsonFirst.p50.toFixed(0)} ms, cold p50 ${s.jsonCold.p50.toFixed(0)} ms, warm p50 ${s.jsonWarm.p50.toFixed(1)} ms (${s.jsonWarm.n}); page cold p50 ${s.htmlCold.p50.toFixed(0)} ms, warm p50 ${s.htmlWarm.p50.toFixed(1)} ms`,
    );
    const goal = `p95 ≤ ${GOAL_RATIO}× raw SQL p95 and < ${GOAL_MS} ms`;
    const met = (x) => x.p95 <= GOAL_RATIO * s.raw.p95 && x.p95 < GOAL_MS;
    const one = { concurrency: 1 };
    const rows = (label, x) => [
      result(`statistics ${period}: ${label} p50`, x.p50, 'ms', s.raw.p50, one),
      result(`statistics ${period}: ${label} p95`, x.p95, 'ms', s.raw.p95, { ...one, goal, met: met(x) }),
    ];
    return [
      ...seedingRows(seeded, result),
      result(`statistics ${period}: raw SQL aggregation p50`, s.raw.p50, 'ms', null, one),
      result(`statistics ${period}: raw SQL aggregation p95`, s.raw.p95, 'ms', null, one),
      ...rows('GET /api/v1/statistics, cached (unchanged data)', s.jsonWarm),
      ...rows('GET /statistics page, cached (unchanged data)', s.htmlWarm),
      ...rows('GET /api/v1/statistics, rebuilt (right after a change)', s.jsonCold),
      ...rows('GET /statistics page, rebuilt (right after a change)', s.htmlCold),
      ...rows('GET /api/v1/statistics, first build (nothing cached)', s.jsonFirst),
    ];
  },
};
