import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { APP_ROLE } from './support/env.js';
import { createStaffUser, firstAdmin, withOwner } from './support/fixtures.js';
import { validReport } from './support/report-form.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const MARKER = 'QUOKKA-MARKER-0815';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Summary {
  id: string;
  period: string;
  kind: string;
  language: string;
  status: string;
  error: string | null;
  attempts: number;
  automatic: boolean;
}

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Periodic PDF reports end to end: the officer requests the current year's report, an in-process
 * worker renders it from the published statistics, the PDF is stored with its SHA-256 and downloaded;
 * a render that fails once (the database refuses a query) is retried and ends done; the automatic job
 * makes the reports of the last finished quarter and year exactly once, and the officer gets an e-mail
 * without content for each report that is ready (through a real SMTP server).
 */
describe('periodic PDF reports', () => {
  let t: RunningApp;
  let sink: SmtpSink;
  let admin: Client;
  const users: Record<string, Client> = {};
  const emails: Record<string, string> = {};
  const owner = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withOwner(t.db.ownerUrl, fn);

  /** Polls a report until `done(summary)` or the time is up; returns the last summary. */
  async function poll(id: string, done: (s: Summary) => boolean, ms = 60_000, every = 250): Promise<Summary> {
    const until = Date.now() + ms;
    let s = (await users.olga.get(`/api/v1/periodic-reports/${id}`)).json() as Summary;
    while (!done(s) && Date.now() < until) {
      await sleep(every);
      s = (await users.olga.get(`/api/v1/periodic-reports/${id}`)).json() as Summary;
    }
    return s;
  }
  const finished = (s: Summary) => s.status === 'done' || s.status === 'failed';

  /** The messages to one address, once the outbox has nothing left to send. */
  async function mailsTo(address: string): Promise<typeof sink.messages> {
    for (let i = 0; i < 150; i++) {
      const { rows } = await owner((c) =>
        c.query(
          `SELECT count(*)::int AS n FROM outbox_message WHERE completed_at IS NULL AND cancelled_at IS NULL`,
        ),
      );
      if (rows[0].n === 0) break;
      await sleep(200);
    }
    await sleep(300);
    return sink.messages.filter((m) => m.to.includes(address));
  }
  const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(
    new Date(),
  );

  async function makeUser(key: string, role: string) {
    const orgs: { id: string; code: string }[] = (await admin.get('/api/v1/admin/organisations')).json();
    const created = await createStaffUser(admin, t.url, orgs.find((o) => o.code === 'SZI')!.id, key, role);
    users[key] = created.client;
    emails[key] = created.email;
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startApp({
      SMTP_URL: sink.url,
      WORKERS_IN_PROCESS: 'true',
      INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000',
    });
    admin = await firstAdmin(t, 'reports admin passphrase');
    await makeUser('anna', 'counsellor');
    await makeUser('olga', 'officer');
    // seven reports: six housing, one education (a small count that must never show)
    for (let i = 0; i < 7; i++) {
      const res = await new Client(t.url).request('POST', '/api/v1/reports', {
        json: {
          ...validReport(),
          consentStore: true,
          narrative: `Es geschah: ${MARKER}`,
          grounds: ['ethnic_origin'],
          lifeArea: i < 6 ? 'housing' : 'education',
        },
      });
      expect(res.status).toBe(201);
    }
    for (const r of (await users.anna.get('/api/v1/inbox')).json() as { id: string }[])
      expect((await users.anna.api('POST', `/api/v1/inbox/${r.id}/open`)).status).toBe(201);
    // sent referrals (codes only, behind the app's back): five for legal aid, two for interpreting
    await withOwner(t.db.ownerUrl, (c) =>
      c.query(
        `INSERT INTO referral (case_id, report_id, from_organisation_id, to_organisation_id, service_type, status,
                               data_key_id, created_by, sent_at, version)
         SELECT id, gen_random_uuid(), organisation_id, organisation_id,
                CASE WHEN n <= 5 THEN 'legal_aid' ELSE 'interpreting' END, 'accepted',
                data_key_id, gen_random_uuid(), now(), 1
           FROM (SELECT *, row_number() OVER (ORDER BY id) AS n FROM case_file) c`,
      ),
    );
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('refuses bad and future periods, and months; a counsellor gets 403', async () => {
    for (const period of ['2026-13', String(Number(year) + 1), `${year}-01`, 'x'])
      expect(
        (await users.olga.api('POST', '/api/v1/periodic-reports', { period, language: 'de' })).status,
      ).toBe(400);
    expect(
      (await users.olga.api('POST', '/api/v1/periodic-reports', { period: year, language: 'fr' })).status,
    ).toBe(400);
    expect(
      (await users.anna.api('POST', '/api/v1/periodic-reports', { period: year, language: 'de' })).status,
    ).toBe(403);
    expect((await users.anna.get('/api/v1/periodic-reports')).status).toBe(403);
  });

  it('renders the year report through the queue, stores it with its SHA-256 and serves it', async () => {
    const res = await users.olga.api('POST', '/api/v1/periodic-reports', {
      period: year,
      kind: 'year',
      language: 'de',
    });
    expect(res.status).toBe(202);
    const { id } = res.json() as { id: string };
    let status: { status: string; sha256: string | null; error: string | null } = {
      status: 'queued',
      sha256: null,
      error: null,
    };
    for (let i = 0; i < 120 && (status.status === 'queued' || status.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = (await users.olga.get(`/api/v1/periodic-reports/${id}`)).json();
    }
    expect(status).toMatchObject({ status: 'done', error: null });

    const list = (await users.olga.get('/api/v1/periodic-reports')).json() as { id: string }[];
    expect(list.map((r) => r.id)).toContain(id);
    const page = await users.olga.get('/reports');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/api/v1/periodic-reports/${id}/pdf`);

    const raw = await fetch(`${t.url}/api/v1/periodic-reports/${id}/pdf`, {
      headers: { cookie: [...users.olga.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toContain('application/pdf');
    expect(raw.headers.get('content-disposition')).toMatch(
      /^attachment; filename="statistik-\d{4}-de\.pdf"$/,
    );
    const pdf = Buffer.from(await raw.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const sha = createHash('sha256').update(pdf).digest('hex');

    const owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query('SELECT sha256, status FROM periodic_report WHERE id = $1', [id]);
      expect(rows[0]).toEqual({ sha256: sha, status: 'done' });
    } finally {
      await owner.end();
    }
    expect(status.sha256).toBe(sha);
    // metadata: a title and a subject, no personal names
    const latin = pdf.toString('latin1');
    expect(latin).toContain('/Title');
    expect(latin).toContain('/Subject');
    expect(latin).toContain('/FontFile2');

    if (!hasPdftotext()) {
      console.warn('pdftotext not installed: text checks of the PDF skipped (apt-get install poppler-utils)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'anl-pdf-'));
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const info = execFileSync('pdfinfo', [join(dir, 'r.pdf')], { encoding: 'utf8' });
    expect(info).toMatch(new RegExp(`Title:\\s+Jahresbericht ${year}`));
    expect(info).toMatch(/Subject:\s+Anonymisierte Statistik/);
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89/);
    expect(info).not.toMatch(/olga|anna|admin/i);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    // the summary (page 3): its long German column headings wrap between words, never inside one
    const summary = execFileSync('pdftotext', ['-layout', '-f', '3', '-l', '3', join(dir, 'r.pdf'), '-'], {
      encoding: 'utf8',
    }).split(/\s+/);
    for (const w of [
      'Zusammenfassung',
      'Einheit',
      'Vorzeitraum',
      'Veränderung',
      'Vorjahr',
      `(${Number(year) - 1})`,
    ])
      expect(summary).toContain(w);
    expect(text).toContain('Jahresbericht');
    expect(text).toContain('Anonymisierte Statistik');
    expect(text).toContain('Inhalt');
    expect(text).toContain('Methodik und Geheimhaltung');
    expect(text).toMatch(/Seite 2 von \d+/);
    expect(text).toContain('<5');
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain('Es geschah');
    // the referral tables of the release: 2 interpreting only as "<5", and the 5 for legal aid hidden
    // too (with the total of 7 it would give the 2 away); checked for 1–4 below like every table
    expect(text).toContain('Verweisungen nach Leistungsart');
    expect(text).toMatch(/Sprachmittlung\s+<5\s/);
    expect(text).not.toMatch(/Sprachmittlung\s+2\s/);
    expect(text).not.toMatch(/Rechtsberatung\s+5\s/);
    // key figures: exactly what the published release says (a hidden one only as its label)
    const published = (await users.olga.get(`/api/v1/statistics?period=${year}`)).json() as {
      keyFigures: { unit: string; current: { value?: number; label?: string } }[];
    };
    const units: Record<string, string> = { reports: 'Meldungen', incidents: 'Vorfälle', cases: 'Fälle' };
    for (const k of published.keyFigures) {
      const shown = k.current.value !== undefined ? String(k.current.value) : k.current.label!;
      expect(text).toMatch(
        new RegExp(`\\n${units[k.unit]}\\s+${shown.replace(/[.*+?^${}()|[\]\\<·]/g, '\\$&')}\\s`),
      );
    }
    // table rows: a label, then counts; no published count from 1 to 4 in any cell
    // after the cover and the table of contents (whose page numbers are not counts)
    const cells = text
      .slice(text.indexOf('Seite 2 von'))
      .split('\n')
      .filter((l) => /\S\s{2,}(\d+|<5|·|×)\s*$/.test(l) && !/Seite|^\s*\d+\s*$/.test(l))
      .map((l) =>
        l
          .trim()
          .split(/\s{2,}/)
          .slice(1),
      )
      .flat();
    expect(cells.length).toBeGreaterThan(10);
    for (const c of cells) if (/^\d+$/.test(c)) expect(Number(c) === 0 || Number(c) >= 5).toBe(true);
  }, 120_000);
  it('mails the officer, without content, that the report is ready (not the counsellor or the admin)', async () => {
    const toOlga = await mailsTo(emails.olga);
    expect(toOlga).toHaveLength(1);
    expect(toOlga[0].subject).toMatch(/Statistikbericht ist fertig|statistics report is ready/);
    expect(toOlga[0].text).toMatch(/https?:\/\/\S+\/login\s/);
    expect(toOlga[0].text).not.toMatch(new RegExp(`${year}|Q[1-4]|${MARKER}|olga|Meldung|Fälle`));
    // (the counsellor has her new-report e-mails; none about the report, nor for the admin)
    const ready = (m: { subject?: string }) => /Statistikbericht|statistics report/.test(m.subject ?? '');
    expect((await mailsTo(emails.anna)).filter(ready)).toHaveLength(0);
    expect((await mailsTo(t.admin.email)).filter(ready)).toHaveLength(0);
  });

  it('retries a render that failed once (the database refused a query) and ends done after 2 attempts', async () => {
    // a real failure: the app role may not read the statistics' change counts (every release reads them,
    // cached or not), until the grant is back
    await owner((c) => c.query(`REVOKE SELECT ON statistics_change_base FROM ${APP_ROLE}`));
    let restored = false;
    try {
      const res = await users.olga.api('POST', '/api/v1/periodic-reports', { period: year, language: 'en' });
      expect(res.status).toBe(202);
      const { id } = res.json() as { id: string };
      const failedOnce = await poll(id, (s) => s.error !== null || finished(s), 60_000, 40);
      // between the attempts: still queued, the reason recorded and shown on the reports page
      expect(failedOnce).toMatchObject({ status: 'queued', attempts: 1 });
      expect(failedOnce.error).toMatch(/permission denied/);
      await owner((c) => c.query(`GRANT SELECT ON statistics_change_base TO ${APP_ROLE}`));
      restored = true;
      const page = await users.olga.get('/reports');
      expect(page.body).toMatch(/attempt 1 failed|Versuch 1 fehlgeschlagen/);
      const after = await poll(id, finished);
      expect(after).toMatchObject({ status: 'done', attempts: 2, error: null });
      const pdf = await fetch(`${t.url}/api/v1/periodic-reports/${id}/pdf`, {
        headers: { cookie: [...users.olga.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      expect(pdf.status).toBe(200);
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString('latin1'),
      ).toBe('%PDF-');
    } finally {
      if (!restored) await owner((c) => c.query(`GRANT SELECT ON statistics_change_base TO ${APP_ROLE}`));
    }
  }, 120_000);

  it('makes the last finished quarter and year automatically, once per language, and mails the officer', async () => {
    // the installation has been in use since before those periods (a new one starts with the next)
    await owner((c) => c.query(`UPDATE staff_user SET created_at = created_at - interval '2 years'`));
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
    const y = Number(today.slice(0, 4));
    const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
    const lastQuarter = q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
    const lastYear = String(y - 1);
    // just after this quarter began (never later than now)
    const quarterStart = new Date(`${y}-${String(3 * q - 2).padStart(2, '0')}-01T03:00:00Z`);
    const asOf = new Date(Math.min(quarterStart.getTime(), Date.now())).toISOString();
    const mailsBefore = (await mailsTo(emails.olga)).length;
    const run = async (body: Record<string, string>) => {
      const res = await admin.api('POST', '/api/v1/admin/periodic-reports/run', body);
      expect(res.status).toBe(200);
      return res.json() as { due: string[]; created: string[]; languages: string[] };
    };

    const first = await run({ asOf });
    expect(first.languages).toEqual(['de']);
    expect(first.due.sort()).toEqual([lastQuarter, lastYear].sort());
    expect(first.created.sort()).toEqual([`${lastQuarter}/de`, `${lastYear}/de`].sort());
    // again, and now (the same quarter): nothing new
    expect((await run({ asOf })).created).toEqual([]);
    expect((await run({})).created).toEqual([]);
    // a time in the future would make a report of a period that has not ended
    expect(
      (
        await admin.api('POST', '/api/v1/admin/periodic-reports/run', {
          asOf: new Date(Date.now() + 86_400_000 * 100).toISOString(),
        })
      ).status,
    ).toBe(400);
    expect((await users.olga.api('POST', '/api/v1/admin/periodic-reports/run', { asOf })).status).toBe(403);

    // English too: two runs at the same time (two workers) still make each report once
    expect(
      (
        await admin.api('PUT', '/api/v1/settings/statistics.automatic_report_languages', {
          value: 'de, en',
        })
      ).status,
    ).toBe(200);
    const both = await Promise.all([run({ asOf }), run({ asOf })]);
    expect(both.flatMap((r) => r.created).sort()).toEqual([`${lastQuarter}/en`, `${lastYear}/en`].sort());

    const { rows } = await owner((c) =>
      c.query(
        `SELECT id, period_code, kind, language, requested_by FROM periodic_report
          WHERE automatic ORDER BY period_code, language`,
      ),
    );
    expect(rows.map((r) => `${r.period_code}/${r.kind}/${r.language}`).sort()).toEqual(
      [
        `${lastQuarter}/quarter/de`,
        `${lastQuarter}/quarter/en`,
        `${lastYear}/year/de`,
        `${lastYear}/year/en`,
      ].sort(),
    );
    expect(rows.every((r) => r.requested_by === null)).toBe(true);
    for (const r of rows) expect(await poll(r.id, finished, 90_000)).toMatchObject({ status: 'done' });
    const list = (await users.olga.get('/api/v1/periodic-reports')).json() as Summary[];
    expect(list.filter((r) => r.automatic)).toHaveLength(4);
    expect((await users.olga.get('/reports')).body).toMatch(/\((automatisch|automatic)\)/);

    // one e-mail per ready report, none naming a period or a figure
    const mails = (await mailsTo(emails.olga)).slice(mailsBefore);
    expect(mails).toHaveLength(4);
    for (const m of mails) {
      expect(m.subject).toMatch(/Statistikbericht ist fertig|statistics report is ready/);
      expect(`${m.subject}\n${m.text}`).not.toMatch(new RegExp(`${lastYear}|Q[1-4]|\\d{2,}\\s|${MARKER}`));
    }
    // switched off: nothing is due
    await admin.api('PUT', '/api/v1/settings/statistics.automatic_report_languages', { value: '' });
    expect(await run({ asOf })).toMatchObject({ languages: [], created: [] });
  }, 240_000);
});
