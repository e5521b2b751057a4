import { Client, type Res } from '../support/client.js';
import {
  bodyFor,
  destructiveRank,
  formsFor,
  targetsFor,
  templateForms,
  type Target,
} from './support/targets.js';
import { buildWorld, closeWorld, ROLES, send, type Staff, type World } from './support/world.js';

/** Every public route, by intent. A new public route fails this suite until it is listed here. */
const PUBLIC_BY_INTENT = [
  'GET /',
  'GET /accessibility',
  'GET /follow-up',
  'GET /health',
  'GET /health/live',
  'GET /help',
  'GET /imprint',
  'GET /login',
  'GET /metrics',
  'GET /privacy',
  'GET /report',
  'POST /api/v1/auth/login',
  'POST /api/v1/mailbox/session',
  'POST /api/v1/reports',
  'POST /follow-up',
  'POST /follow-up/logout',
  'POST /login',
  'POST /report',
];
/** Routes registered on Fastify directly (static files, API documentation): public, no personal data. */
const DIRECT_PUBLIC = /^\/(static\/\*|api\/docs(-json|-yaml|\/.*)?)$/;
const CSRF_TEXT = 'Das Formular ist abgelaufen oder kam nicht von dieser Seite';

function isCsrfRefusal(url: string, res: Res): boolean {
  if (res.status !== 403) return false;
  if (url.startsWith('/api/')) return res.json().error?.code === 'csrf';
  return res.body.includes(CSRF_TEXT);
}

/**
 * Access control over the whole router: every route public by intent or guarded; an access matrix of
 * two organisations × four roles over every route (wrong role → 403, another organisation's object →
 * 404, own objects readable); CSRF refused on every state-changing route and form; the security
 * headers on every page.
 */
describe('security: access', () => {
  let w: World;
  let everyone: Staff[];
  const forms = templateForms();

  beforeAll(async () => {
    w = await buildWorld();
    everyone = (['A', 'B'] as const).flatMap((side) => ROLES.map((role) => w.staff[side][role]));
  }, 240_000);
  afterAll(() => closeWorld(w));

  it('has every route either public by intent or guarded by a role or the mailbox session', async () => {
    expect(w.routes.length).toBeGreaterThan(100);
    expect(w.routes.filter((r) => r.access === 'unguarded')).toEqual([]);
    const pub = w.routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    expect(pub.sort()).toEqual([...PUBLIC_BY_INTENT].sort());
    const direct = w.routes.filter((r) => r.access === 'direct-public');
    expect(direct.filter((r) => r.method !== 'GET' || !DIRECT_PUBLIC.test(r.url))).toEqual([]);
    // and anonymous callers are turned away from every other route
    const anon = new Client(w.t.url);
    const failures: string[] = [];
    for (const r of w.routes.filter((x) => x.access === 'roles' || x.access === 'reporter')) {
      const url = r.url.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
      const res = await anon.request(r.method, url, {
        json: r.method === 'GET' ? undefined : {},
        headers: { 'sec-fetch-site': 'same-origin' },
      });
      const ok = url.startsWith('/api/') ? res.status === 401 : res.status === 303 || res.status === 401;
      if (!ok) failures.push(`${r.method} ${r.url} → ${res.status}`);
      if (res.status === 303 && r.access === 'roles' && !res.location?.startsWith('/login'))
        failures.push(`${r.method} ${r.url} redirects to ${res.location}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('refuses every route to the wrong role (403), hides objects from the other organisation (404), serves own objects', async () => {
    const targets: Target[] = w.routes
      .filter((r) => r.access === 'roles')
      .flatMap((r) => targetsFor(w, r, forms))
      .sort((a, b) => destructiveRank(a) - destructiveRank(b));
    // the matrix reaches every kind of object the router knows
    const objectRoutes = new Set(targets.filter((t) => t.owner === 'A').map((t) => t.route.url));
    for (const kind of [
      '/api/v1/cases/:id',
      '/api/v1/cases/:id/tasks/:taskId/done',
      '/api/v1/inbox/:reportId/open',
      '/staff/reports/:id/attachments/:attachmentId',
      '/api/v1/referrals/:id',
      '/api/v1/partner/referrals/:id',
      '/staff/cases/:id/:action',
    ])
      expect(objectRoutes).toContain(kind);
    const failures: string[] = [];
    let checked = 0;
    for (const t of targets) {
      const roles = t.route.roles ?? [];
      for (const u of everyone) {
        let expected: string;
        if (!roles.includes(u.role)) expected = '403';
        else if (t.owner === 'A' && u.side === 'B') expected = '404';
        else if (t.route.method === 'GET' && u.side === 'A') expected = 'ok';
        else continue; // own state changes are the modules' own tests
        const res = await send(u.client, t.route.method, t.url, bodyFor(w, t.action));
        checked++;
        const ok = expected === 'ok' ? res.status < 400 : res.status === Number(expected);
        if (!ok)
          failures.push(
            `${t.route.method} ${t.url} as ${u.role}${u.side}: ${res.status}, expected ${expected}`,
          );
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(500);
    // the case was not touched by anyone outside
    const file = (await w.staff.A.counsellor.client.get(`/api/v1/cases/${w.obj.caseId}`)).json();
    expect(file.status).not.toBe('closed');
    expect(file.timeline.map((e: { body: string | null }) => e.body)).not.toContain('x');
  }, 600_000);

  it('lists only own-organisation objects in every collection', async () => {
    const b = w.staff.B;
    expect((await b.counsellor.client.get('/api/v1/inbox')).json()).toEqual([]);
    expect((await b.counsellor.client.get('/api/v1/cases?list=all')).json().items).toEqual([]);
    expect((await b.counsellor.client.get('/api/v1/referrals')).json()).toEqual([]);
    expect((await b.counsellor.client.get(`/api/v1/referrals?caseId=${w.obj.caseId}`)).json()).toEqual([]);
    expect((await b.partner.client.get('/api/v1/partner/referrals')).json()).toEqual([]);
    for (const [c, path] of [
      [b.counsellor.client, '/staff/inbox'],
      [b.counsellor.client, '/staff/cases'],
      [b.counsellor.client, '/staff/reports'],
      [b.counsellor.client, '/staff/referrals'],
      [b.partner.client, '/partner/referrals'],
    ] as const) {
      const page = await c.get(path);
      expect(page.status).toBe(200);
      for (const id of Object.values(w.obj)) expect(page.body).not.toContain(id);
    }
  });

  it("confines another organisation's admin to its own accounts; organisations and settings to the service centre's", async () => {
    const adminB = w.staff.B.admin.client;
    const listed = (await adminB.get('/api/v1/admin/users')).json() as { organisationId: string }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((u) => u.organisationId === w.orgs.BNO)).toBe(true);
    const page = await adminB.get('/admin/users');
    expect(page.body).not.toContain('victim@example.org');
    expect(page.body).not.toContain('counsellora@example.org');
    // no account in another organisation: that would open its cases
    const intruder = await adminB.api('POST', '/api/v1/admin/users', {
      organisationId: w.orgs.SZI,
      email: 'intruder@example.org',
      displayName: 'Intruder',
      role: 'counsellor',
    });
    expect(intruder.status).toBe(404);
    const own = await adminB.api('POST', '/api/v1/admin/users', {
      organisationId: w.orgs.BNO,
      email: 'colleague@example.org',
      displayName: 'Colleague',
      role: 'counsellor',
    });
    expect(own.status).toBe(201);
    // installation-wide: which organisation receives public reports, the list of organisations
    const redirect = await adminB.api('PUT', '/api/v1/settings/intake.receiving_organisation_code', {
      value: 'BNO',
    });
    expect(redirect.status).toBe(403);
    expect((await adminB.api('DELETE', '/api/v1/settings/retention.spam_days')).status).toBe(403);
    expect(
      (
        await adminB.api('POST', '/api/v1/admin/organisations', {
          name: 'Schatten',
          code: 'XBN',
          kind: 'counselling',
        })
      ).status,
    ).toBe(403);
    const setting = (await w.staff.A.admin.client.get('/api/v1/settings')).json() as {
      key: string;
      value: unknown;
    }[];
    expect(setting.find((x) => x.key === 'intake.receiving_organisation_code')?.value).not.toBe('BNO');
  });

  it('has a route for every form in the templates', () => {
    const posting = w.routes.filter((r) => r.method === 'POST');
    const orphans = forms.filter((f) => !posting.some((r) => formsFor(r, [f]).length > 0));
    expect(orphans.map((f) => `${f.file}: ${f.action}`)).toEqual([]);
    expect(forms.length).toBeGreaterThan(40);
  });

  it('refuses every state change from another site: Sec-Fetch-Site cross-site, a foreign Origin, no token', async () => {
    const failures: string[] = [];
    const anonymous = new Client(w.t.url);
    await anonymous.get('/report'); // the double-submit cookie and its token
    const mailbox = (
      await new Client(w.t.url).request('POST', '/api/v1/mailbox/session', {
        json: { receipt: w.obj.receipt },
      })
    ).json().token as string;
    let checked = 0;
    for (const r of w.routes.filter((x) => x.method !== 'GET')) {
      const targets =
        r.access === 'public' || r.access === 'reporter'
          ? [{ url: r.url.replace(':purpose', 'contact').replace(':action', 'withdraw'), action: '' }]
          : targetsFor(w, r, forms);
      for (const t of targets) {
        let c: Client;
        let headers: Record<string, string> = {};
        if (r.access === 'public') c = anonymous;
        else if (r.access === 'reporter') {
          c = w.reporter;
          if (t.url.startsWith('/api/')) headers = { authorization: `Bearer ${mailbox}` };
        } else {
          const role = r.roles![0] as Staff['role'];
          c = w.staff.A[role].client;
        }
        const body = bodyFor(w, t.url.split('/').pop()!);
        const variants: [string, Record<string, string>, boolean][] = [
          ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, true],
          ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }, true],
          ['Origin: https://evil.example', { origin: 'https://evil.example' }, true],
        ];
        // without the token: every form, and every API call made with a session cookie
        const cookieAuthority =
          !(r.access === 'reporter' && t.url.startsWith('/api/')) && r.access !== 'public';
        if (cookieAuthority || !t.url.startsWith('/api/'))
          variants.push(['no CSRF token', { 'sec-fetch-site': 'same-origin' }, false]);
        for (const [name, extra, withToken] of variants) {
          const res = t.url.startsWith('/api/')
            ? await c.request(r.method, t.url, {
                json: body,
                headers: { ...headers, ...(withToken ? { 'x-csrf-token': c.csrf } : {}), ...extra },
              })
            : await c.request(r.method, t.url, {
                form: Object.fromEntries([
                  ...Object.entries(body).map(([k, v]) => [k, String(v)]),
                  ...(withToken ? [['_csrf', c.csrf]] : []),
                ]),
                headers: { ...headers, ...extra },
              });
          checked++;
          if (!isCsrfRefusal(t.url, res)) failures.push(`${r.method} ${t.url} with ${name}: ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(150);
    // the sessions still work: nothing above logged anybody out
    expect((await w.staff.A.counsellor.client.get('/api/v1/me')).status).toBe(200);
    expect((await w.reporter.get('/follow-up/mailbox')).status).toBe(200);
  }, 300_000);

  it('sends the security headers on every page and API answer; only the API documentation relaxes the CSP', async () => {
    const failures: string[] = [];
    const check = (what: string, res: Res, docs = false, path = '') => {
      const h = (n: string) => res.headers.get(n) ?? '';
      const csp = h('content-security-policy');
      if (!csp.includes("frame-ancestors 'none'"))
        failures.push(`${what}: CSP without frame-ancestors 'none'`);
      if (!/default-src '(self|none)'/.test(csp))
        failures.push(`${what}: CSP without default-src 'self' or 'none'`);
      if (/script-src[^;]*unsafe-inline/.test(csp)) failures.push(`${what}: CSP allows inline scripts`);
      if (!docs && csp.includes('unsafe-inline')) failures.push(`${what}: CSP has unsafe-inline`);
      if (!/max-age=\d{8,}/.test(h('strict-transport-security'))) failures.push(`${what}: no HSTS`);
      if (h('x-content-type-options') !== 'nosniff') failures.push(`${what}: no nosniff`);
      if (h('referrer-policy') !== 'no-referrer')
        failures.push(`${what}: Referrer-Policy ${h('referrer-policy')}`);
      // the empty report form alone may stay in the browser's own cache (Back keeps its idempotency token)
      const cache = h('cache-control');
      if (path === '/report' ? cache !== 'private, max-age=0' : !cache.includes('no-store'))
        failures.push(`${what}: Cache-Control ${cache}`);
    };
    let pages = 0;
    for (const r of w.routes.filter((x) => x.method === 'GET')) {
      if (r.access === 'direct-public') continue;
      if (r.access === 'public' || r.access === 'reporter') {
        const c = r.access === 'reporter' ? w.reporter : new Client(w.t.url);
        check(`GET ${r.url}`, await c.get(r.url), false, r.url);
        pages++;
        continue;
      }
      for (const t of targetsFor(w, r, forms)) {
        const u = w.staff.A[r.roles![0] as Staff['role']];
        const res = await u.client.get(t.url);
        check(`GET ${t.url} as ${u.role}`, res);
        pages++;
      }
    }
    // answers that are not pages: errors, a refused role, a download, the PDF
    const anon = new Client(w.t.url);
    check('404 page', await anon.get('/nothing-here'));
    check('404 API', await anon.get('/api/v1/nothing-here'));
    check('403 page', await w.staff.A.officer.client.get('/staff/cases'));
    check('401 API', await anon.get('/api/v1/me'));
    const docs = await anon.get('/api/docs');
    expect(docs.status).toBe(200);
    check('GET /api/docs', docs, true);
    expect(docs.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    check('GET /api/docs-json', await anon.get('/api/docs-json'), true);
    const css = await anon.get('/static/app.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(failures).toEqual([]);
    expect(pages).toBeGreaterThan(50);
    // a download of personal data: attachment, nosniff, sandboxed
    const file = await w.staff.A.counsellor.client.get(
      `/staff/reports/${w.obj.reportId}/attachments/${w.obj.attachmentId}`,
    );
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
  }, 300_000);
});
