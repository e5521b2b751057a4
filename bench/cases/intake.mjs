/* global process, fetch, AbortSignal */
// POST /api/v1/reports at `connections` concurrent clients (autocannon in a second process), each
// request a complete, valid JSON report: the whole intake path — validation, a fresh receipt hashed with
// argon2id, a data key, the encrypted content, the consent ledger, the audit entry and the outbox — in
// one transaction. Next to it, the same-run ceiling: a plain Node process doing only the unavoidable
// part per report (argon2id of the receipt with the same parameters + one INSERT into `report`) with
// as many concurrent loops and a pg Pool of 10 (bench/lib/intake-ceiling.mjs). Goal: app/ceiling ≥ 0.7.
//
// The load runner (bench/load.mjs) sends one fixed body and header set, so the requests carry no
// Idempotency-Key (a fixed key would make every request after the first a replay); every request is a
// new report. The app runs as its own instance with the intake limit out of the way
// (INTAKE_RATE_LIMIT_PER_10_MINUTES), on the run's database, where the first start already created the
// service centre that receives public reports.
//
// When the load at full concurrency times out, the case says whether the app still answers at all and
// what its database connections wait for, and measures once more below the app's pool size
// (@8 < DATABASE_POOL_SIZE 10), so the table has both numbers; each ratio is against a ceiling run at
// the same concurrency.
import { join } from 'node:path';
import pg from 'pg';
import { runToEnd } from '../lib/procs.mjs';
import { ROOT, startApp } from '../lib/servers.mjs';

/** a complete report, as test/intake.e2e-spec.ts sends it to the JSON API */
export const REPORT = {
  reporterRole: 'affected',
  narrative: 'Beim Einlass in den Club wurde nur ich abgewiesen, meine Freunde durften hinein.',
  whenKind: 'date',
  incidentDate: '2026-11-20',
  district: 'mitte',
  grounds: ['ethnic_origin'],
  lifeArea: 'goods_services',
  contactChannel: 'none',
  consentStore: true,
  preferredLanguage: 'de',
};

async function owner(db, fn) {
  const c = new pg.Client({ connectionString: db.ownerUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** the intake issue's goal: the app takes at least this share of the same-run ceiling at 20 clients */
const GOAL_RATIO = 0.7;

/** connections below the app's default pool of 10 (DATABASE_POOL_SIZE), see measureApp() */
const BELOW_POOL = 8;

async function ceilingRun(db, rows, workers, opts) {
  const lines = await runToEnd(
    process.execPath,
    [
      join(ROOT, 'bench', 'lib', 'intake-ceiling.mjs'),
      JSON.stringify({
        url: db.appUrl,
        organisationId: rows[0].receiving_organisation_id,
        dataKeyId: rows[0].data_key_id,
        workers,
        poolSize: 10,
        durationS: opts.durationS,
        warmupS: opts.warmupS,
      }),
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH }, timeoutMs: (opts.warmupS + opts.durationS + 60) * 1000 },
  );
  const json = lines.reverse().find((l) => l.startsWith('{'));
  if (!json) throw new Error(`intake-ceiling.mjs printed no result:\n${lines.join('\n')}`);
  const ceiling = JSON.parse(json);
  if (ceiling.errors) throw new Error(`ceiling: ${ceiling.errors} errors (${ceiling.firstError})`);
  return ceiling;
}

/**
 * A fresh app instance (its own process, intake limit out of the way) under `connections` concurrent
 * clients. When requests time out, says whether the app still answers a page at all and what its
 * database connections are waiting for (pg_stat_activity), then stops it (SIGKILL after 10 s).
 */
async function measureApp(db, connections, { opts, load, log }) {
  const app = await startApp(db, { INTAKE_RATE_LIMIT_PER_10_MINUTES: '100000000' });
  const body = JSON.stringify(REPORT);
  try {
    const first = await fetch(`${app.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (first.status !== 201)
      throw new Error(`POST /api/v1/reports answered ${first.status}: ${await first.text()}`);
    const count = () =>
      owner(db, (c) => c.query('SELECT count(*)::int AS n FROM report')).then((r) => r.rows[0].n);
    const before = await count();
    const r = await load(`${app.url}/api/v1/reports`, {
      ...opts,
      connections,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const stored = (await count()) - before;
    log(
      `  app @${connections}: ${r.requests} reports answered in the measurement, ${stored} stored (warm-up included)`,
    );
    if (r.non2xx || r.errors || r.timeouts) {
      log(`  app @${connections}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
      const alive = await fetch(`${app.url}/report`, { signal: AbortSignal.timeout(5_000) }).then(
        (x) => `answers ${x.status}`,
        (e) => `does not answer (${e.name})`,
      );
      log(`  app @${connections}: after the load, GET /report ${alive}`);
      const waits = await owner(db, (c) =>
        c.query(`SELECT state, wait_event_type, wait_event, left(query, 60) AS query, count(*)::int AS n
          FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'anlaufstelle'
          GROUP BY 1, 2, 3, 4 ORDER BY n DESC`),
      );
      for (const w of waits.rows)
        log(`    ${w.n} × ${w.state} ${w.wait_event_type ?? ''}/${w.wait_event ?? ''}: ${w.query}`);
    }
    return r;
  } finally {
    await app.stop();
  }
}

export default {
  name: 'intake',
  description: 'POST /api/v1/reports (JSON) vs argon2id + INSERT in a plain Node process',
  extraBudgetS: 120,
  async run({ db, opts, load, result, log }) {
    const measured = await measureApp(db, opts.connections, { opts, load, log });
    // below the pool size, for a number when the full concurrency stalls (see measureApp)
    // without a warm-up: requests autocannon abandons at the end of a warm-up keep running in the app,
    // so the measurement after it would see more than BELOW_POOL transactions at once
    const below = await measureApp(db, BELOW_POOL, { opts: { ...opts, warmupS: 0 }, load, log });

    const { rows } = await owner(db, (c) =>
      c.query('SELECT receiving_organisation_id, data_key_id FROM report ORDER BY created_at LIMIT 1'),
    );
    const ceiling = await ceilingRun(db, rows, opts.connections, opts);
    const ceilingBelow = await ceilingRun(db, rows, BELOW_POOL, opts);
    log(
      `  ceiling @${opts.connections}: ${ceiling.reports} reports, @${BELOW_POOL}: ${ceilingBelow.reports}`,
    );
    for (const [n, app, ceil] of [
      [opts.connections, measured, ceiling],
      [BELOW_POOL, below, ceilingBelow],
    ]) {
      const ratio = app.requestsPerSec / ceil.reportsPerSec;
      log(
        `  @${n}: app/ceiling = ${ratio.toFixed(3)} (goal ≥ ${GOAL_RATIO}${ratio >= GOAL_RATIO ? ', met' : ', NOT met'})`,
      );
    }
    const c = opts.connections;
    return [
      result(
        `POST /api/v1/reports @${c} throughput`,
        measured.requestsPerSec,
        'reports/s',
        ceiling.reportsPerSec,
        {
          concurrency: c,
          goal: `≥ ${GOAL_RATIO} of the argon2id + INSERT ceiling at ${c} clients`,
          met: measured.requestsPerSec >= GOAL_RATIO * ceiling.reportsPerSec,
        },
      ),
      result(`POST /api/v1/reports @${c} latency p50`, measured.latencyMs.p50, 'ms', null),
      result(`POST /api/v1/reports @${c} latency p99`, measured.latencyMs.p99, 'ms', null),
      result(`POST /api/v1/reports @${c} errors (incl. timeouts)`, measured.errors, 'requests', null),
      result(`argon2id + INSERT (plain Node) @${c} throughput`, ceiling.reportsPerSec, 'reports/s', null),
      result(`argon2id + INSERT (plain Node) @${c} latency p50`, ceiling.latencyMs.p50, 'ms', null),
      result(`argon2id + INSERT (plain Node) @${c} latency p99`, ceiling.latencyMs.p99, 'ms', null),
      result(
        `POST /api/v1/reports @${BELOW_POOL} throughput`,
        below.requestsPerSec,
        'reports/s',
        ceilingBelow.reportsPerSec,
        {
          concurrency: BELOW_POOL,
          goal: `≥ ${GOAL_RATIO} of the ceiling (the issue's goal is at 20 clients; this row is for comparison)`,
          met: below.requestsPerSec >= GOAL_RATIO * ceilingBelow.reportsPerSec,
        },
      ),
      result(`POST /api/v1/reports @${BELOW_POOL} latency p50`, below.latencyMs.p50, 'ms', null),
      result(`POST /api/v1/reports @${BELOW_POOL} latency p99`, below.latencyMs.p99, 'ms', null),
      result(`POST /api/v1/reports @${BELOW_POOL} errors (incl. timeouts)`, below.errors, 'requests', null),
      result(
        `argon2id + INSERT (plain Node) @${BELOW_POOL} throughput`,
        ceilingBelow.reportsPerSec,
        'reports/s',
        null,
      ),
      result(
        `argon2id + INSERT (plain Node) @${BELOW_POOL} latency p50`,
        ceilingBelow.latencyMs.p50,
        'ms',
        null,
      ),
      result(
        `argon2id + INSERT (plain Node) @${BELOW_POOL} latency p99`,
        ceilingBelow.latencyMs.p99,
        'ms',
        null,
      ),
    ];
  },
};
