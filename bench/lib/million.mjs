/* global fetch, URLSearchParams */
// The million-case data set shared by the work-list, statistics and PDF cases: three organisations with
// six counsellors each, created through the admin API of the running app, then 1,000,000 cases (with
// their incidents, reports and interventions) seeded set-based by bench/lib/seed-cases.mjs — once per
// run, whichever case asks first. Also a cookie-keeping browser for the staff login pages (the bench
// cannot import the TypeScript test client).
import { generate } from 'otplib';
import { seedCases } from './seed-cases.mjs';

export const TOTAL = 1_000_000;

/** a cookie-keeping browser for the login pages (the bench cannot import the TypeScript test client) */
export function browser(base) {
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
      if (res.location === '/login/mfa/setup') {
        const page = await request('GET', res.location);
        const secret = /class="receipt-code" dir="ltr">([A-Z2-7 ]+)</.exec(page.text)[1].replace(/ /g, '');
        const done = await request('POST', '/login/mfa/setup', { code: await generate({ secret }) });
        if (done.status !== 200) throw new Error(`enrolment ${email}: ${done.status}`);
        // the session was rotated: take the new CSRF token from the page the enrolment links to
        const next = /<a class="kern-btn kern-btn--primary" href="([^"]+)"/.exec(done.text)?.[1] ?? '/staff';
        await request('GET', next);
      } else if (res.location === '/account/password') {
        // a role without mandatory second factor (the officer): straight to the forced password change
        await request('GET', res.location);
      } else throw new Error(`login ${email}: ${res.status} ${res.location}`);
      const changed = await request('POST', '/account/password', {
        currentPassword: password,
        newPassword: `${email} bench passphrase`,
      });
      if (changed.status >= 400) throw new Error(`password ${email}: ${changed.status}`);
      await request('GET', '/staff');
    },
  };
}

/** a staff account created by the admin, logged in for the first time (TOTP enrolled where asked) */
export async function staffLogin(app, admin, organisationId, email, role) {
  const u = await admin.api('POST', '/api/v1/admin/users', {
    organisationId,
    email,
    displayName: email.split('@')[0],
    role,
  });
  const b = browser(app.url);
  await b.firstLogin(email, u.oneTimePassword);
  return { id: u.id, browser: b };
}

let shared;

/**
 * The organisations (with their counsellors' one-time passwords) and the seeding figures; seeds on the
 * first call of a run, later calls get the same promise. `admin` is the logged-in admin browser.
 */
export function millionCases({ app, db, log }) {
  shared ??= (async () => {
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
    log(
      `  seeded ${seeded.cases} cases, ${seeded.tasks} tasks, ${seeded.incidents} incidents, ${seeded.reports} reports, ${seeded.interventions} interventions in ${seeded.seconds.toFixed(1)} s`,
    );
    return { admin, orgs, seeded };
  })();
  return shared;
}

let seedingReported = false;
/** the seeding figures as result rows — for the first case that asks only, so they appear once */
export function seedingRows(seeded, result) {
  if (seedingReported) return [];
  seedingReported = true;
  return [
    result(
      `seeding ${TOTAL.toLocaleString('en')} cases + incidents, reports, interventions (+ VACUUM ANALYZE)`,
      seeded.seconds,
      's',
      null,
    ),
  ];
}

let officerSession;
/** the officer of the run (created once, organisation BWA, no second factor — it is optional for the role) */
export function officerLogin(ctx) {
  officerSession ??= (async () => {
    const { admin, orgs } = await millionCases(ctx);
    return staffLogin(ctx.app, admin, orgs[0].id, 'officer@bench.example', 'officer');
  })();
  return officerSession;
}

/**
 * A counted change in a quarter (`2026-Q3`), as a counsellor's reclassification would make: the level
 * of the quarter's first case toggled between individual and institutional. The statistics cache then
 * has to rebuild the quarter's release on the next request. Returns the release's `computed_at` before
 * the change, so a caller can check that the next request really rebuilt it.
 */
export async function changeQuarter(owner, period) {
  const [y, q] = period.split('-Q').map(Number);
  const from = `${y}-${String(3 * (q - 1) + 1).padStart(2, '0')}-15`;
  await owner.query(
    `UPDATE case_file SET level = CASE WHEN level = 'individual' THEN 'institutional' ELSE 'individual' END
      WHERE id = (SELECT id FROM case_file WHERE created_at >= $1::date ORDER BY created_at LIMIT 1)`,
    [from],
  );
  return releaseBuiltAt(owner, period);
}

/** When the cached release of a period was built (null: not cached). */
export async function releaseBuiltAt(owner, period) {
  const { rows } = await owner.query(
    `SELECT computed_at::text AS at FROM statistics_release WHERE period_code = $1`,
    [period],
  );
  return rows[0]?.at ?? null;
}
