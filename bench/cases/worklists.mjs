/* global fetch, URLSearchParams, process */
// Work lists on a million cases: GET /api/v1/cases ("my cases", and a filtered list sorted by
// deadline) through the app under autocannon, next to the very same SQL (page + counts, built by the
// same module) run directly through pg at the same concurrency — once inside the same set_config
// transaction the service uses, once without it. Seeding: bench/lib/seed-cases.mjs.
import { generate } from 'otplib';
import pg from 'pg';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seedCases } from '../lib/seed-cases.mjs';
import { ROOT } from '../lib/servers.mjs';

const TOTAL = 1_000_000;

/** a cookie-keeping browser for the login pages (the bench cannot import the TypeScript test client) */
function browser(base) {
  const cookies = new Map();
  let csrf = '';
  async function request(method, path, form) {
    const headers = { 'sec-fetch-site': 'same-origin' };
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: csrf, ...form }).toString();
    }
    const res = await fetch(base + path, { method, headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) csrf = token[1];
    return { status: res.status, location: res.headers.get('location'), text };
  }
  return {
    cookieHeader: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    get: (p) => request('GET', p),
    post: (p, form) => request('POST', p, form),
    async api(method, path, json) {
      const res = await fetch(base + path, {
        method,
        headers: {
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'content-type': 'application/json',
          'x-csrf-token': csrf,
        },
        body: JSON.stringify(json),
      });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    /** first login with a one-time password: enrol TOTP, then choose a password */
    async firstLogin(email, password) {
      await request('GET', '/login');
      const res = await request('POST', '/login', { email, password });
      if (res.location !== '/login/mfa/setup')
        throw new Error(`login ${email}: ${res.status} ${res.location}`);
      const page = await request('GET', res.location);
      const secret = /class="receipt-code" dir="ltr">([A-Z2-7 ]+)</.exec(page.text)[1].replace(/ /g, '');
      const done = await request('POST', '/login/mfa/setup', { code: await generate({ secret }) });
      if (done.status !== 200) throw new Error(`enrolment ${email}: ${done.status}`);
      // the session was rotated: take the new CSRF token from the page the enrolment links to
      const next = /<a class="kern-btn kern-btn--primary" href="([^"]+)"/.exec(done.text)?.[1] ?? '/staff';
      await request('GET', next);
      const changed = await request('POST', '/account/password', {
        currentPassword: password,
        newPassword: `${email} bench passphrase`,
      });
      if (changed.status >= 400) throw new Error(`password ${email}: ${changed.status}`);
      await request('GET', '/staff');
    },
  };
}

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
    const admin = browser(app.url);
    await admin.firstLogin(app.admin.email, app.admin.password);
    const orgs = [];
    for (const [i, code] of ['BWA', 'BWB', 'BWC'].entries()) {
      const org = await admin.api('POST', '/api/v1/admin/organisations', {
        name: `Bench ${code}`,
        code,
        kind: 'counselling',
      });
      const counsellors = [];
      for (let k = 0; k < 6; k++) {
        const u = await admin.api('POST', '/api/v1/admin/users', {
          organisationId: org.id,
          email: `c${k}@${code.toLowerCase()}.bench.example`,
          displayName: `C${k} ${code}`,
          role: 'counsellor',
        });
        counsellors.push({
          id: u.id,
          email: `c${k}@${code.toLowerCase()}.bench.example`,
          password: u.oneTimePassword,
        });
      }
      orgs.push({ id: org.id, code, counsellors, index: i });
    }
    const seeded = await seedCases(
      db.ownerUrl,
      orgs.map((o) => ({ id: o.id, code: o.code, counsellors: o.counsellors.map((c) => c.id) })),
      { total: TOTAL, log },
    );
    log(`  seeded ${seeded.cases} cases and ${seeded.tasks} tasks in ${seeded.seconds.toFixed(1)} s`);

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
    const rows = [result('seeding 1M cases (+ VACUUM ANALYZE)', seeded.seconds, 's', null)];
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
      rows.push(
        result(`${s.name}: API throughput`, api.requestsPerSec, 'req/s', raw.perSec),
        result(`${s.name}: API p50`, api.latencyMs.p50, 'ms', raw.p50),
        result(`${s.name}: API p90`, api.latencyMs.p90, 'ms', raw.p90),
        result(`${s.name}: API p99 (≥ p95)`, api.latencyMs.p99, 'ms', raw.p99),
        result(`${s.name}: SQL in set_config tx p95`, raw.p95, 'ms', null),
        result(`${s.name}: SQL without tx p50`, bare.p50, 'ms', null),
        result(`${s.name}: SQL without tx p95`, bare.p95, 'ms', null),
      );
    }
    return rows;
  },
};
