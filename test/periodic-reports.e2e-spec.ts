import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { createStaffUser } from './support/fixtures.js';
import { validReport } from './support/report-form.js';

const MARKER = 'QUOKKA-MARKER-0815';

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
 * worker renders it from the published statistics, the PDF is stored with its SHA-256 and downloaded.
 */
describe('periodic PDF reports', () => {
  let t: RunningApp;
  let admin: Client;
  const users: Record<string, Client> = {};
  const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(
    new Date(),
  );

  async function makeUser(key: string, role: string) {
    const orgs: { id: string; code: string }[] = (await admin.get('/api/v1/admin/organisations')).json();
    const created = await createStaffUser(admin, t.url, orgs.find((o) => o.code === 'SZI')!.id, key, role);
    const client = created.client;
    users[key] = client;
  }

  beforeAll(async () => {
    t = await startApp({ WORKERS_IN_PROCESS: 'true', INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    admin = new Client(t.url);
    await admin.login(t.admin.email, t.admin.password);
    await admin.post('/account/password', {
      currentPassword: t.admin.password,
      newPassword: 'reports admin passphrase',
    });
    await admin.get('/staff');
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
  }, 180_000);
  afterAll(() => t?.close());

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
    expect(text).toContain('Jahresbericht');
    expect(text).toContain('Anonymisierte Statistik');
    expect(text).toContain('Inhalt');
    expect(text).toContain('Methodik und Geheimhaltung');
    expect(text).toMatch(/Seite 2 von \d+/);
    expect(text).toContain('<5');
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain('Es geschah');
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
});
