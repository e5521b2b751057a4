/* global fetch, process */
// Work lists on a million cases: GET /api/v1/cases ("my cases", and a filtered list sorted by
// deadline) through the app under autocannon, next to the very same SQL (page + counts, built by the
// same module) run directly through pg at the same concurrency — once inside the same set_config
// transaction the service uses, once without it. Seeding: bench/lib/million.mjs (once per run, shared with the statistics case).
import pg from 'pg';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { browser, millionCases, seedingRows, TOTAL } from '../lib/million.mjs';
import { ROOT } from '../lib/servers.mjs';

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** `clients` pg connections each running `statements` back to back for `seconds`; latency per round */
async function rawLoop(url, clients, seconds, statements, orgId) {
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  try {
    const latencies = [];
    const deadline = Date.now() + seconds * 1000;
    await Promise.all(
      conns.map(async (c) => {
        while (Date.now() < deadline) {
          const t0 = process.hrtime.bigint();
          if (orgId) {
            await c.query('BEGIN');
            await c.query(`SELECT set_config('anl.organisation_id', $1, true)`, [orgId]);
          }
          for (const s of statements) await c.query(s.text, s.values);
          if (orgId) await c.query('COMMIT');
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    return {
      perSec: latencies.length / seconds,
      p50: percentile(latencies, 0.5),
      p90: percentile(latencies, 0.9),
      p95: percentile(latencies, 0.95),
      p99: percentile(latencies, 0.99),
    };
  } finally {
    await Promise.allSettled(conns.map((c) => c.end()));
  }
}

export default {
  name: 'worklists',
  description: `GET /api/v1/cases on ${TOTAL.toLocaleString('en')} cases vs the same SQL through pg`,
  /** seeding and the extra raw loops need more than the harness's per-case allowance */
  extraBudgetS: 240,
  async run({ app, db, opts, load, result, log }) {
    const { pageSql, countsSql } = await import(
      pathToFileURL(join(ROOT, 'dist/src/modules/cases/worklists/worklist-sql.js')).href
    );
    const { berlinToday } = await import(
      pathToFileURL(join(ROOT, 'dist/src/modules/intake/report-form.view.js')).href
    );
    const { orgs, seeded } = await millionCases({ app, db, log });

    const me = orgs[0].counsellors[0];
    const counsellor = browser(app.url);
    await counsellor.firstLogin(me.email, me.password);
    const headers = { cookie: counsellor.cookieHeader() };
    const scope = { organisationId: orgs[0].id, userId: me.id, today: berlinToday() };
    const scenarios = [
      { name: 'my cases', query: 'list=mine', list: 'mine', sort: 'activity', filters: {} },
      {
        name: 'open + ethnic_origin + housing by deadline',
        query: 'status=open&ground=ethnic_origin&lifeArea=housing&sort=deadline',
        list: 'all',
        sort: 'deadline',
        filters: { status: ['open'], ground: ['ethnic_origin'], lifeArea: ['housing'] },
      },
    ];
    const rows = seedingRows(seeded, result);
    for (const s of scenarios) {
      const url = `${app.url}/api/v1/cases?${s.query}`;
      const probe = await fetch(url, { headers });
      if (probe.status !== 200) throw new Error(`${s.query}: ${probe.status} ${await probe.text()}`);
      const body = await probe.json();
      log(`  ${s.name}: ${body.items.length} rows, counts ${JSON.stringify(body.counts)}`);
      const statements = [pageSql(scope, s.list, s.sort, s.filters, null, 25), countsSql(scope, s.filters)];
      await rawLoop(db.appUrl, opts.connections, opts.warmupS, statements, scope.organisationId);
      const raw = await rawLoop(
        db.appUrl,
        opts.connections,
        opts.durationS,
        statements,
        scope.organisationId,
      );
      const bare = await rawLoop(db.ownerUrl, opts.connections, opts.durationS, statements, null);
      const api = await load(url, { ...opts, headers });
      if (api.non2xx || api.errors || api.timeouts)
        throw new Error(`${s.name}: ${api.non2xx} non-2xx, ${api.errors} errors, ${api.timeouts} timeouts`);
      // the goal of the cases issue: p95 ≤ 2× the raw SQL's p95 and under 50 ms; autocannon has no p95,
      // so its p97.5 (≥ p95) is compared, with the raw SQL in the same set_config transaction
      const c = { concurrency: opts.connections };
      const p95 = api.latencyMs.p97_5;
      rows.push(
        result(`${s.name}: API throughput`, api.requestsPerSec, 'req/s', raw.perSec, c),
        result(`${s.name}: API p50`, api.latencyMs.p50, 'ms', raw.p50, c),
        result(`${s.name}: API p90`, api.latencyMs.p90, 'ms', raw.p90, c),
        result(`${s.name}: API p97.5 (≥ p95)`, p95, 'ms', raw.p95, {
          ...c,
          goal: 'p95 ≤ 2× raw SQL p95 and < 50 ms',
          met: p95 <= 2 * raw.p95 && p95 < 50,
        }),
        result(`${s.name}: API p99`, api.latencyMs.p99, 'ms', raw.p99, c),
        result(`${s.name}: SQL in set_config tx p95`, raw.p95, 'ms', null, c),
        result(`${s.name}: SQL without tx p50`, bare.p50, 'ms', null, c),
        result(`${s.name}: SQL without tx p95`, bare.p95, 'ms', null, c),
      );
    }
    return rows;
  },
};
