import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { createStaffUser, firstAdmin, withOwner } from './support/fixtures.js';
import { validReport } from './support/report-form.js';

const MARKER = 'ZEBRA-MARKER-4711';
const THRESHOLD = 5;

type Json = unknown;

/** Every published count in a JSON document: the `value` of each published entry. */
function publishedValues(doc: Json, out: number[] = []): number[] {
  if (Array.isArray(doc)) doc.forEach((d) => publishedValues(d, out));
  else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      if (k === 'value' && typeof v === 'number') out.push(v);
      else publishedValues(v, out);
    }
  }
  return out;
}

/**
 * The officer's statistics end to end: reports and cases in two organisations, an opt-out and a spam
 * report that must not count, several grounds per case (counted as mentions), no small count in the
 * page, JSON or CSV, no free text anywhere, and the officer never reaching a case.
 */
describe('statistics', () => {
  let t: RunningApp;
  let admin: Client;
  const users: Record<string, { client: Client; id: string }> = {};
  let orgs: { id: string; code: string }[];
  const caseIds: string[] = [];
  const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(
    new Date(),
  );

  async function makeUser(key: string, orgCode: string, role: string) {
    const org = orgs.find((o) => o.code === orgCode)!;
    const created = await createStaffUser(admin, t.url, org.id, key, role);
    const client = created.client;
    users[key] = { client, id: created.id };
  }

  async function report(overrides: Record<string, unknown>): Promise<void> {
    const res = await new Client(t.url).request('POST', '/api/v1/reports', {
      json: { ...validReport(), consentStore: true, narrative: `Es geschah: ${MARKER}`, ...overrides },
    });
    expect(res.status).toBe(201);
  }

  async function inbox(who: string): Promise<{ id: string }[]> {
    return (await users[who].client.get('/api/v1/inbox')).json();
  }

  async function openAll(who: string): Promise<void> {
    for (const r of await inbox(who)) {
      const opened = await users[who].client.api('POST', `/api/v1/inbox/${r.id}/open`);
      expect(opened.status).toBe(201);
      caseIds.push(opened.json().id);
    }
  }

  beforeAll(async () => {
    t = await startApp({ INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    admin = await firstAdmin(t, 'statistics admin passphrase');
    expect(
      (
        await admin.api('POST', '/api/v1/admin/organisations', {
          name: 'Beratung Nord',
          code: 'BNO',
          kind: 'counselling',
        })
      ).status,
    ).toBe(201);
    orgs = (await admin.get('/api/v1/admin/organisations')).json();
    await makeUser('anna', 'SZI', 'counsellor');
    await makeUser('bea', 'BNO', 'counsellor');
    await makeUser('olga', 'SZI', 'officer');

    // six reports for the second organisation (transferred with the consent to share)
    for (let i = 0; i < 6; i++)
      await report({
        grounds: ['ethnic_origin', 'religion_belief'],
        lifeArea: 'housing',
        consentShare: true,
      });
    for (const r of await inbox('anna'))
      expect(
        (await users.anna.client.api('POST', `/api/v1/inbox/${r.id}/transfer`, { organisationCode: 'BNO' }))
          .status,
      ).toBe(204);
    await openAll('bea');
    // eight for the first: several grounds each, two of them rare
    for (let i = 0; i < 8; i++)
      await report({
        grounds: i < 2 ? ['ethnic_origin', 'age'] : ['ethnic_origin', 'gender'],
        lifeArea: i < 6 ? 'employment' : 'education',
        district: i < 5 ? 'nord' : 'sued',
      });
    await openAll('anna');
    // one report that opted out of statistics (it still becomes a case) and one closed as spam
    await report({ grounds: ['disability'], lifeArea: 'health_care', statisticsOptOut: true });
    await openAll('anna');
    await report({ grounds: ['sexual_identity'], lifeArea: 'public_space' });
    const [spam] = await inbox('anna');
    expect(
      (await users.anna.client.api('POST', `/api/v1/inbox/${spam.id}/close`, { reason: 'spam' })).status,
    ).toBe(204);
    // interventions with free text that must never surface
    for (const id of caseIds.slice(6, 12))
      expect(
        (
          await users.anna.client.api('POST', `/api/v1/cases/${id}/interventions`, {
            type: 'counselling_talk',
            date: `${year}-01-15`,
            description: `Gespräch ${MARKER}`,
          })
        ).status,
      ).toBe(201);
    // referrals (codes only, inserted behind the app's back): one per counted case, sent this year —
    // 9 legal aid, 3 interpreting, 2 victim support; a draft and one from the opted-out case never count
    await withOwner(t.db.ownerUrl, (c) =>
      c.query(
        `WITH counted AS (
           SELECT id, organisation_id, data_key_id, row_number() OVER (ORDER BY created_at, id) AS n
             FROM case_file WHERE NOT statistics_opt_out),
         plan AS (
           SELECT n, CASE WHEN n <= 9 THEN 'legal_aid' WHEN n <= 12 THEN 'interpreting' ELSE 'victim_support' END AS service,
                  CASE WHEN n <= 10 THEN 'accepted' ELSE 'sent' END AS status,
                  CASE WHEN n <= 2 THEN 'settled' END AS outcome, true AS sent
             FROM generate_series(1, 14) AS n
           UNION ALL SELECT 1, 'city_office', 'draft', NULL, false)
         INSERT INTO referral (case_id, report_id, from_organisation_id, to_organisation_id, service_type, status,
                               outcome, data_key_id, created_by, sent_at, version)
         SELECT c.id, gen_random_uuid(), c.organisation_id, c.organisation_id, p.service, p.status, p.outcome,
                c.data_key_id, gen_random_uuid(), CASE WHEN p.sent THEN now() END, 1
           FROM plan p JOIN counted c ON c.n = p.n
         UNION ALL
         SELECT c.id, gen_random_uuid(), c.organisation_id, c.organisation_id, 'housing_support', 'accepted', NULL,
                c.data_key_id, gen_random_uuid(), now(), 1
           FROM case_file c WHERE c.statistics_opt_out`,
      ),
    );
  }, 180_000);
  afterAll(() => t?.close());

  it('publishes referrals by service, status and outcome under the same disclosure control', async () => {
    const s = (await users.olga.client.get(`/api/v1/statistics?period=${year}`)).json();
    const tables = new Map((s.release.tables as { id: string }[]).map((x) => [x.id, x as any]));
    const services = tables.get('referrals.services');
    const statuses = tables.get('referrals.statuses');
    const outcomes = tables.get('referrals.outcomes');
    for (const tb of [services, statuses, outcomes]) {
      expect(tb.unit).toBe('referrals');
      // 14 sent referrals of counted cases: not the draft, not the opted-out case's
      expect(tb.grandTotal).toEqual({ value: 14 });
      for (const v of publishedValues(tb)) expect(v === 0 || v >= THRESHOLD).toBe(true);
    }
    expect(services.cells[services.rows.indexOf('legal_aid')][0]).toEqual({ value: 9 });
    expect(statuses.rows).not.toContain('draft');
    // 3 interpreting and 2 victim support: both small, each must stay anything from 1 to 4
    const small = ['interpreting', 'victim_support'].map((code) =>
      services.rows.includes(code) ? services.cells[services.rows.indexOf(code)][0] : null,
    );
    for (const e of small) if (e) expect(e).toMatchObject({ hidden: expect.any(String) });
    // 4 sent (small) next to 10 accepted and a published total: a second entry hides it
    const hiddenStatuses = statuses.cells.flat().filter((e: object) => 'hidden' in e);
    expect(hiddenStatuses.length === 0 || hiddenStatuses.length >= 2).toBe(true);
    expect(statuses.cells[statuses.rows.indexOf('sent')][0]).toMatchObject({
      hidden: 'primary',
      label: '<5',
    });
    const page = await users.olga.client.get(`/statistics?period=${year}`);
    expect(page.body).toMatch(/Verweisungen nach Leistungsart|Referrals by service/);
    const csv = (await users.olga.client.get(`/api/v1/statistics.csv?period=${year}`)).body;
    expect(csv).toMatch(/^referrals\.services,referrals,legal_aid,,9$/m);
  });

  it('counts reports and cases of every organisation without the opt-out and the spam report', async () => {
    const res = await users.olga.client.get(`/api/v1/statistics?period=${year}`);
    expect(res.status).toBe(200);
    const s = res.json();
    expect(s.period).toMatchObject({ kind: 'year', code: year });
    const key = Object.fromEntries(
      (s.keyFigures as { unit: string; current: unknown }[]).map((k) => [k.unit, k.current]),
    );
    expect(key.reports).toEqual({ value: 14 });
    expect(key.cases).toEqual({ value: 14 });
    const tables = new Map((s.release.tables as { id: string }[]).map((x) => [x.id, x as any]));
    const grounds = tables.get('cases.grounds');
    expect(grounds.unit).toBe('mentions');
    expect(s.tables.find((i: { id: string }) => i.id === 'cases.grounds').unit).toBe('mentions');
    // 14 cases name ethnic origin; 6 + 6 + 2 further mentions: more mentions than cases
    expect(grounds.cells[grounds.rows.indexOf('ethnic_origin')][0]).toEqual({ value: 14 });
    expect(grounds.grandTotal).toEqual({ value: 28 });
    // the opted-out case named disability: not counted
    expect(grounds.cells[grounds.rows.indexOf('disability')][0]).toEqual({ value: 0 });
    expect(grounds.cells[grounds.rows.indexOf('sexual_identity')][0]).toEqual({ value: 0 });
    expect(tables.get('cases.life_areas_by_quarter').cols).toEqual([1, 2, 3, 4].map((q) => `${year}-Q${q}`));
    expect(tables.get('cases.grounds_by_district').threshold).toBe(10);
    expect(tables.get('cases.interventions').unit).toBe('mentions');
    expect(s.methodology.text).toContain('<5');
  });

  it('publishes no count from 1 to the threshold minus 1, neither in the JSON nor in the CSV', async () => {
    const json = (await users.olga.client.get(`/api/v1/statistics?period=${year}`)).json();
    const values = publishedValues(json.release).concat(publishedValues(json.keyFigures));
    expect(values.length).toBeGreaterThan(50);
    for (const v of values) expect(v === 0 || v >= THRESHOLD).toBe(true);
    expect(JSON.stringify(json)).toContain('"label":"<5"');

    const csv = await users.olga.client.get(`/api/v1/statistics.csv?period=${year}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="statistics-${year}.csv"`);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines[0]).toBe('table,unit,row,column,value');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(new Set(rows.map((r) => r[0]))).toEqual(
      new Set([...json.release.tables.map((x: any) => x.id), 'medians']),
    );
    for (const [table, unit, , , value] of rows) {
      if (unit === 'days') continue;
      if (/^\d+$/.test(value)) expect(Number(value) === 0 || Number(value) >= THRESHOLD).toBe(true);
      else expect(['<5', '<10', '·', '×']).toContain(value);
      if (table === 'cases.grounds') expect(unit).toBe('mentions');
    }
    expect(rows.some((r) => r[4] === '<5')).toBe(true);
  });

  it('refuses periods that are not a fixed month, quarter or year that has started', async () => {
    for (const p of ['2026-13', '2026-W01', '2099', '2026-01-01..2026-02-01']) {
      const res = await users.olga.client.get(`/api/v1/statistics?period=${encodeURIComponent(p)}`);
      expect(res.status).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
      expect(res.json().error.message).toContain('YYYY-Qn');
      expect(
        (await users.olga.client.get(`/api/v1/statistics.csv?period=${encodeURIComponent(p)}`)).status,
      ).toBe(400);
    }
  });

  it('lets only the officer and admins in, and never lets the officer see a case', async () => {
    expect((await users.anna.client.get('/statistics')).status).toBe(403);
    expect((await users.anna.client.get(`/api/v1/statistics?period=${year}`)).status).toBe(403);
    expect((await admin.get(`/api/v1/statistics?period=${year}`)).status).toBe(200);
    expect((await users.olga.client.get(`/api/v1/cases/${caseIds[0]}`)).status).toBe(403);
    expect((await users.olga.client.get(`/staff/cases/${caseIds[0]}`)).status).toBe(403);
  });

  it('renders the page with the period picker, tables, SVG charts and the methodology, without free text', async () => {
    const page = await users.olga.client.get(`/statistics?period=${year}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('href="/statistics"');
    expect(page.body).toContain(`<option value="${year}" selected>`);
    expect(page.body).toMatch(
      /<svg[^>]+role="img"[^>]+aria-labelledby="chart-cases-grounds-title chart-cases-grounds-desc"/,
    );
    expect(page.body).toContain('<title id="chart-cases-grounds-title">');
    expect(page.body).toContain('<desc id="chart-cases-grounds-desc">');
    expect(page.body).toContain('&lt;5');
    expect(page.body).toContain('role="region" tabindex="0"');
    expect(page.body).toMatch(new RegExp(`/api/v1/statistics\\.csv\\?period(=|&#x3D;)${year}`));
    expect(page.body).toContain('Nennungen');
    // the default period is the last complete quarter
    expect((await users.olga.client.get('/statistics')).status).toBe(200);
    expect((await users.olga.client.get('/statistics?period=2099')).status).toBe(400);

    const json = await users.olga.client.get(`/api/v1/statistics?period=${year}`);
    const csv = await users.olga.client.get(`/api/v1/statistics.csv?period=${year}`);
    for (const body of [page.body, json.body, csv.body]) {
      expect(body).not.toContain(MARKER);
      expect(body).not.toContain('Es geschah');
      expect(body).not.toContain('Gespräch');
    }
  });

  it('gives the same output for the same period and data', async () => {
    const a = await users.olga.client.get(`/api/v1/statistics.csv?period=${year}`);
    const b = await users.olga.client.get(`/api/v1/statistics.csv?period=${year}`);
    expect(a.body).toBe(b.body);
  });
});
