import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Res } from '../support/client.js';
import { withOwner } from '../support/fixtures.js';
import { validReport } from '../support/report-form.js';
import { buildWorld, closeWorld, waitForPdf, type World } from './support/world.js';

/** A payload that would run script or load an image if it reached the page as markup. */
const xss = (id: string) => `<script>alert("${id}")</script><img src=x onerror=alert('${id}')>"'&${id}`;
/** What must never appear in the raw HTML: the payload's tags as markup. */
const RAW_MARKUP = /<script>alert\(|<img src=x onerror|onerror=alert/;

function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&#x2F;/g, '/')
    .replace(/&amp;/g, '&');
}

const SQL_INJECTION = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE case_file; --",
  '1) OR (1=1',
  "x' UNION SELECT id, email FROM staff_user --",
  "'; SELECT pg_sleep(10); --",
  "2026' AND pg_sleep(10) IS NULL AND '1'='1",
  '%',
  '\\',
  '"',
  "open'::text",
  'NULL',
  '$1',
];

/**
 * Hostile input: script in every text field comes out as text in the staff and public pages and never
 * reaches the statistics PDF at all; SQL in every filter and sort parameter gives 400 or no match.
 */
describe('security: hostile input', () => {
  let w: World;
  const fieldsSeen = new Map<string, string[]>();

  beforeAll(async () => {
    w = await buildWorld();
  }, 240_000);
  afterAll(() => closeWorld(w));

  it('shows script typed into every text field as text, never as markup, in staff and public pages', async () => {
    const A = w.staff.A;
    const counsellor = A.counsellor.client;
    // the reporter's free text: narrative, place, the "other" ground, contact name, address and times
    const inboxIds = async () =>
      ((await counsellor.get('/api/v1/inbox')).json() as { id: string }[]).map((r) => r.id);
    const before = await inboxIds();
    const created = await new Client(w.t.url).request('POST', '/api/v1/reports', {
      json: {
        ...validReport({
          narrative: xss('XNARR'),
          place: xss('XPLACE'),
          grounds: ['other'],
          groundOther: xss('XGROUND'),
          contactChannel: 'post',
          contactName: xss('XNAME'),
          contactAddress: xss('XADDR'),
        }),
        consentStore: true,
        consentContact: true,
        consentShare: true,
      },
    });
    expect(created.status).toBe(201);
    const receipt = created.json().receipt as string;
    const reportId = (await inboxIds()).find((id) => !before.includes(id))!;
    // the times to call back exist only with a phone number
    const byPhone = await new Client(w.t.url).request('POST', '/api/v1/reports', {
      json: {
        ...validReport({ contactChannel: 'phone', contactPhone: '0345 123456', contactTimes: xss('XTIMES') }),
        consentStore: true,
        consentContact: true,
      },
    });
    expect(byPhone.status).toBe(201);
    const phoneReportId = (await inboxIds()).find((id) => !before.includes(id) && id !== reportId)!;
    const staffReportPage = await counsellor.get(`/staff/reports/${reportId}`);
    const opened = await counsellor.api('POST', `/api/v1/inbox/${reportId}/open`);
    expect(opened.status).toBe(201);
    const caseId = opened.json().id as string;
    // the counsellor's free text: notes, a task, an intervention, a message, a legal hold
    const writes: [string, object][] = [
      ['notes', { body: xss('XNOTE'), visibility: 'team' }],
      ['tasks', { title: xss('XTASK'), dueDate: '2026-12-30' }],
      [
        'interventions',
        { type: 'mediation', date: '2026-11-02', description: xss('XINTDESC'), result: xss('XINTRES') },
      ],
      ['messages', { reportId, body: xss('XMSG') }],
      ['legal-hold', { reason: xss('XHOLD') }],
    ];
    for (const [what, body] of writes) {
      const res = await counsellor.api('POST', `/api/v1/cases/${caseId}/${what}`, body);
      if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.body}`);
    }
    // the reporter answers in the mailbox
    const token = (
      await new Client(w.t.url).request('POST', '/api/v1/mailbox/session', { json: { receipt } })
    ).json().token as string;
    expect(
      (
        await new Client(w.t.url).request('POST', '/api/v1/mailbox/messages', {
          json: { body: xss('XREPLY') },
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBeLessThan(300);
    // a referral with a summary; the partner declines with a reason after feedback on another
    const referral = await counsellor.api('POST', '/api/v1/referrals', {
      caseId,
      toOrganisationId: w.orgs.PA,
      serviceType: 'legal_aid',
      summary: xss('XSUMMARY'),
      sharedFields: ['grounds'],
    });
    expect(referral.status).toBe(201);
    const referralId = referral.json().id as string;
    expect((await counsellor.api('POST', `/api/v1/referrals/${referralId}/send`, {})).status).toBe(200);
    const partner = A.partner.client;
    expect((await partner.api('POST', `/api/v1/partner/referrals/${referralId}/accept`)).status).toBe(204);
    expect(
      (
        await partner.api('POST', `/api/v1/partner/referrals/${referralId}/feedback`, {
          feedback: xss('XFEEDBACK'),
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await partner.api('POST', `/api/v1/partner/referrals/${w.obj.referralId}/decline`, {
          reason: xss('XDECLINE'),
        })
      ).status,
    ).toBe(204);
    // the admin's free text: a partner entry, an organisation name, a person's display name
    const admin = A.admin.client;
    expect(
      (
        await admin.api('PUT', `/api/v1/partners/${w.orgs.PB}`, {
          openingHours: xss('XHOURS'),
          address: xss('XPADDR'),
          published: true,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await admin.api('POST', '/api/v1/admin/organisations', {
          name: xss('XORG'),
          code: 'XSS',
          kind: 'partner_service',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await admin.api('POST', '/api/v1/admin/users', {
          organisationId: w.orgs.SZI,
          email: 'xss@example.org',
          displayName: xss('XDISPLAY'),
          role: 'counsellor',
        })
      ).status,
    ).toBe(201);

    const reporter = new Client(w.t.url);
    await reporter.get('/follow-up');
    await reporter.post('/follow-up', { receipt });
    const pages: [string, Res][] = [
      ['staff report', staffReportPage],
      ['staff report (phone)', await counsellor.get(`/staff/reports/${phoneReportId}`)],
      ['staff report (later)', await counsellor.get(`/staff/reports/${reportId}`)],
      ['case file', await counsellor.get(`/staff/cases/${caseId}`)],
      ['case export', await counsellor.get(`/staff/cases/${caseId}/export`)],
      ['case list', await counsellor.get('/staff/cases')],
      ['referral (counsellor)', await counsellor.get(`/staff/referrals/${referralId}`)],
      ['referral (partner)', await partner.get(`/partner/referrals/${referralId}`)],
      ['referral declined (counsellor)', await counsellor.get(`/staff/referrals/${w.obj.referralId}`)],
      ['referral list', await counsellor.get('/staff/referrals')],
      ['partner list', await partner.get('/partner/referrals')],
      ['mailbox', await reporter.get('/follow-up/mailbox')],
      ['help', await new Client(w.t.url).get('/help')],
      ['admin partners', await admin.get('/admin/partners')],
      ['admin partner', await admin.get(`/admin/partners/${w.orgs.PB}`)],
      ['admin users', await admin.get('/admin/users')],
      ['admin organisations', await admin.get('/admin/organisations')],
      ['dashboard', await counsellor.get('/staff')],
    ];
    const failures: string[] = [];
    for (const [name, res] of pages) {
      if (res.status !== 200) failures.push(`${name}: ${res.status}`);
      if (RAW_MARKUP.test(res.body)) failures.push(`${name}: raw markup ${RAW_MARKUP.exec(res.body)![0]}`);
      const text = decode(res.body);
      for (const m of text.matchAll(/<script>alert\("(X[A-Z]+)"\)<\/script>/g))
        fieldsSeen.set(m[1], [...(fieldsSeen.get(m[1]) ?? []), name]);
    }
    expect(failures).toEqual([]);
    // every payload arrived somewhere as visible text (so each field was really tested)
    const all = [
      'XNARR',
      'XPLACE',
      'XGROUND',
      'XNAME',
      'XADDR',
      'XTIMES',
      'XNOTE',
      'XTASK',
      'XINTDESC',
      'XINTRES',
      'XMSG',
      'XHOLD',
      'XREPLY',
      'XSUMMARY',
      'XFEEDBACK',
      'XDECLINE',
      'XHOURS',
      'XPADDR',
      'XORG',
      'XDISPLAY',
    ];
    expect(all.filter((id) => !fieldsSeen.has(id))).toEqual([]);
    // the counsellor's message reached the reporter's page as text
    expect(fieldsSeen.get('XMSG')).toContain('mailbox');
  }, 240_000);

  it('keeps every free text out of the statistics PDF: only codes and their labels reach it', async () => {
    const officer = w.staff.A.officer.client;
    const year = String(new Date().getUTCFullYear());
    const res = await officer.api('POST', '/api/v1/periodic-reports', {
      period: year,
      kind: 'year',
      language: 'en',
    });
    expect(res.status).toBe(202);
    const id = res.json().id as string;
    await waitForPdf(officer, id);
    const pdf = await fetch(`${w.t.url}/api/v1/periodic-reports/${id}/pdf`, {
      headers: { cookie: [...officer.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(pdf.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'anl-sec-pdf-'));
    try {
      const file = join(dir, 'report.pdf');
      writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(text.length).toBeGreaterThan(500);
      for (const s of [text, info]) {
        expect(s).not.toMatch(/alert|<script|onerror|<img/i);
        expect(s).not.toMatch(
          /X(NARR|PLACE|GROUND|NAME|ADDR|TIMES|NOTE|TASK|INT|MSG|HOLD|REPLY|SUMMARY|FEEDBACK|DECLINE|HOURS|PADDR|ORG|DISPLAY)/,
        );
        expect(s).not.toContain('NARRATIVEMARK7731');
        expect(s).not.toContain('Rückruf');
        expect(s).not.toContain('Rechtsberatung');
        expect(s).not.toContain('contactmark7731');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('answers SQL in every filter and sort parameter with 400 or no match — never 500, never more', async () => {
    const A = w.staff.A;
    const year = String(new Date().getUTCFullYear());
    // the API's query parameters, from the app's own OpenAPI document
    const doc = (await new Client(w.t.url).get('/api/docs-json')).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const apiParams: { path: string; param: string }[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const p of ops.get?.parameters ?? [])
        if (p.in === 'query') apiParams.push({ path: path.replace(/\{\w+\}/g, w.obj.caseId), param: p.name });
    for (const must of [
      '/api/v1/cases',
      '/api/v1/statistics',
      '/api/v1/statistics.csv',
      '/api/v1/referral-figures',
    ])
      expect(apiParams.map((p) => p.path)).toContain(must);
    const base: Record<string, string> = {
      '/api/v1/statistics': `period=${year}`,
      '/api/v1/statistics.csv': `period=${year}`,
      '/api/v1/referral-figures': `from=${year}-01-01&to=${year}-12-31`,
    };
    const who = (path: string) =>
      /statistics|referral-figures|periodic/.test(path) ? A.officer.client : A.counsellor.client;
    const failures: string[] = [];
    let checked = 0;
    for (const { path, param } of apiParams) {
      const c = who(path);
      const baseQuery = new URLSearchParams(base[path] ?? '');
      const baseline = await c.get(`${path}?${baseQuery}`);
      for (const evil of SQL_INJECTION) {
        const q = new URLSearchParams(baseQuery);
        q.set(param, evil);
        const started = Date.now();
        const res = await c.get(`${path}?${q}`);
        checked++;
        const ms = Date.now() - started;
        if (ms > 8000) failures.push(`${path}?${param}=${evil}: took ${ms} ms`);
        if (res.status >= 500) failures.push(`${path}?${param}=${evil}: ${res.status}`);
        else if (res.status === 200) {
          const body = res.body;
          const empty =
            /"items":\[\]/.test(body) || body === '[]' || body === baseline.body || body === '{"items":[]}';
          if (!empty)
            failures.push(`${path}?${param}=${evil}: 200 with a result differing from the baseline`);
        } else if (![400, 404, 422].includes(res.status))
          failures.push(`${path}?${param}=${evil}: ${res.status}`);
      }
    }
    // the pages' filter forms: every field of every GET form on the work list, help and statistics pages
    const pageForms: [Client, string][] = [
      [A.counsellor.client, '/staff/cases'],
      [new Client(w.t.url), '/help'],
      [A.officer.client, '/statistics'],
      [A.counsellor.client, '/staff/referrals'],
    ];
    for (const [c, path] of pageForms) {
      const page = await c.get(path);
      const names = new Set<string>();
      for (const f of page.body.matchAll(/<form\b[^>]*method="get"[^>]*>([\s\S]*?)<\/form>/g))
        for (const n of f[1].matchAll(/name="([^"]+)"/g)) names.add(n[1]);
      if (path !== '/staff/referrals') expect(names.size).toBeGreaterThan(0);
      names.add('sort');
      names.add('caseId');
      for (const name of names)
        for (const evil of SQL_INJECTION) {
          const res = await c.get(`${path}?${name}=${encodeURIComponent(evil)}`);
          checked++;
          if (res.status >= 500) failures.push(`${path}?${name}=${evil}: ${res.status}`);
          if (
            RAW_MARKUP.test(res.body) ||
            (/[<>"']/.test(evil) && evil.length > 2 && res.body.includes(`value="${evil}"`))
          )
            failures.push(`${path}?${name}=${evil}: reflected unescaped`);
        }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(200);
    // nothing was dropped or changed
    const tables = await withOwner(w.t.db.ownerUrl, (c) =>
      c.query(`SELECT count(*)::int AS n FROM case_file`),
    );
    expect(tables.rows[0].n).toBeGreaterThanOrEqual(2);
    expect((await A.counsellor.client.get(`/api/v1/cases/${w.obj.caseId}`)).status).toBe(200);
  }, 600_000);
});
