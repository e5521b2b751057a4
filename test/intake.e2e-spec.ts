import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import sharp from 'sharp';
import { PROJECT_ROOT } from '../src/common/paths.js';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { firstAdmin, withOwner } from './support/fixtures.js';
import { hiddenFields, postMultipart, receiptIn, submitForm, validReport } from './support/report-form.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const run = promisify(execFile);
const fixture = (name: string) => readFileSync(join(PROJECT_ROOT, 'test/fixtures/attachments', name));
const CLIENT_IP = '198.51.100.23';
const MARKER_NARRATIVE = 'Marker-Narrative-7Q2 wurde am Eingang beleidigt';
const MARKER_EMAIL = 'marker-7q2@example.org';

/**
 * The public intake end to end over HTTP against the running app: the form (with every validation
 * error), files by content, the receipt and its idempotent retry, the mailbox, the JSON API, the
 * counsellors' notification and view, and what ends up in the database and the logs.
 */
describe('intake', () => {
  let t: RunningApp;
  let smtp: SmtpSink;
  const client = () => new Client(t.url, { 'x-forwarded-for': CLIENT_IP });
  let counsellor: Client;

  const owner = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withOwner(t.db.ownerUrl, fn);

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startApp({
      SMTP_URL: smtp.url,
      TRUST_PROXY: 'true',
      WORKERS_IN_PROCESS: 'true',
      INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000',
    });
    // the service centre receives public reports; a counsellor there gets the e-mails
    const admin = await firstAdmin(t, 'intake admin passphrase');
    const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { id: string; kind: string }[];
    const centre = orgs.find((o) => o.kind === 'service_centre')!;
    const created = (
      await admin.api('POST', '/api/v1/admin/users', {
        organisationId: centre.id,
        email: 'counsellor@example.org',
        displayName: 'C',
        role: 'counsellor',
      })
    ).json();
    counsellor = new Client(t.url);
    await counsellor.login('counsellor@example.org', created.oneTimePassword);
    await counsellor.post('/account/password', {
      currentPassword: created.oneTimePassword,
      newPassword: 'counsellor passphrase 1',
    });
    await counsellor.get('/staff');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('shows every validation error next to its field and keeps everything typed', async () => {
    const c = client();
    const res = await submitForm(c, {
      reporterRole: '',
      narrative: 'Was ich aufgeschrieben habe, darf nicht verloren gehen.',
      whenKind: 'month',
      incidentMonthMonth: '13',
      incidentMonthYear: '2025',
      district: 'nowhere',
      grounds: [],
      lifeArea: '',
      contactChannel: 'email',
      contactEmail: 'kaputt@',
      consentStore: '',
      place: 'Marktplatz',
    });
    expect(res.status).toBe(422);
    for (const field of [
      'reporterRole',
      'incidentMonth',
      'district',
      'grounds',
      'lifeArea',
      'contactEmail',
      'consentContact',
      'consentStore',
    ])
      expect(res.body).toContain(`href="#${field}"`);
    expect(res.body).toContain('Was ich aufgeschrieben habe, darf nicht verloren gehen.');
    expect(res.body).toContain('value="Marktplatz"');
    expect(res.body).toContain('value="kaputt@"');
    expect(res.body).toContain('Bitte wählen Sie mindestens einen Grund');
    expect(res.body).toContain('Ohne diese Zustimmung können wir die Meldung nicht speichern.');
    const count = await owner((p) => p.query('SELECT count(*)::int AS n FROM report'));
    expect(count.rows[0].n).toBe(0);
  }, 20_000);

  it('answers in the reporter language and refuses a too-fast (robot) post without losing the text', async () => {
    const c = client();
    const page = await c.get('/report?lang=en');
    const res = await postMultipart(c, '/report', {
      ...hiddenFields(page.body),
      ...validReport({ narrative: 'typed quickly' }),
    });
    expect(res.status).toBe(422);
    expect(res.body).toContain('Please check your entries and send the form again.');
    expect(res.body).toContain('typed quickly');
    // sending the re-rendered form again (a person who waits) goes through
    const again = await postMultipart(c, '/report', {
      ...hiddenFields(res.body),
      ...validReport({ narrative: 'typed quickly' }),
    });
    expect(again.status).toBe(200);
    expect(receiptIn(again.body)).not.toBeNull();
  }, 20_000);

  let receipt: string;
  it('stores a report with a photo whose GPS data is removed, shows the receipt once, and a retry shows the same receipt', async () => {
    const c = client();
    const page = await c.get('/report');
    const hidden = hiddenFields(page.body);
    await new Promise((r) => setTimeout(r, 3_100));
    const fields = validReport({
      narrative: MARKER_NARRATIVE,
      lifeArea: 'employment',
      contactChannel: 'email',
      contactEmail: MARKER_EMAIL,
      consentContact: 'yes',
      consentShare: 'yes',
    });
    const first = await postMultipart(c, '/report', { ...hidden, ...fields }, [
      { name: 'IMG_2041.jpg', data: fixture('photo-gps.jpg') },
    ]);
    expect(first.status).toBe(200);
    receipt = receiptIn(first.body)!;
    expect(receipt).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/);
    expect(first.body).toContain('2 Monaten'); // the employment deadline hint
    // back-and-resubmit / network retry: the same idempotency token
    const retry = await postMultipart(c, '/report', { ...hidden, ...fields }, [
      { name: 'IMG_2041.jpg', data: fixture('photo-gps.jpg') },
    ]);
    expect(receiptIn(retry.body)).toBe(receipt);
    const rows = await owner((p) =>
      p.query('SELECT id, channel, grounds, life_area, statistics_opt_out FROM report'),
    );
    expect(rows.rows.filter((r) => r.channel === 'web_form')).toHaveLength(2); // this one and the one before
    const consents = await owner((p) =>
      p.query(
        `SELECT purpose, action, form FROM report_consent c JOIN report r ON r.id = c.report_id WHERE r.life_area = 'employment' ORDER BY purpose`,
      ),
    );
    expect(consents.rows).toEqual([
      { purpose: 'contact', action: 'grant', form: 'online' },
      { purpose: 'share', action: 'grant', form: 'online' },
      { purpose: 'store', action: 'grant', form: 'online' },
    ]);
    // the stored photo, as the counsellor downloads it, has no EXIF/GPS left
    await counsellor.get('/staff/reports');
    const list = await counsellor.get('/staff/reports');
    const id = [...list.body.matchAll(/href="\/staff\/reports\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const detailPages = await Promise.all(id.map((x) => counsellor.get(`/staff/reports/${x}`)));
    const detail = detailPages.find((d) => d.body.includes(MARKER_NARRATIVE))!;
    expect(detail.body).toContain(MARKER_EMAIL);
    const href = /href="(\/staff\/reports\/[0-9a-f-]{36}\/attachments\/[0-9a-f-]{36})"/.exec(detail.body)![1];
    const download = await counsellor.get(href);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="anlage-[0-9a-f]{8}\.jpg"$/,
    );
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-security-policy')).toContain('sandbox');
    const original = await sharp(fixture('photo-gps.jpg')).metadata();
    expect(original.exif).toBeDefined();
    const res = await fetch(t.url + href, {
      headers: { cookie: [...counsellor.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    const stored = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(stored.exif).toBeUndefined();
    expect(stored.format).toBe('jpeg');
    const audits = await owner((p) =>
      p.query(`SELECT action FROM audit_event WHERE action LIKE 'report.%' ORDER BY id`),
    );
    expect(audits.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['report.create', 'report.read', 'report.attachment_download']),
    );
  }, 30_000);

  it('refuses files by their content and keeps the accepted ones and the text for the next try', async () => {
    const c = client();
    const res = await submitForm(c, validReport({ narrative: 'Mit Dateien', grounds: [] }), {
      files: [
        { name: 'harmless.jpg', data: fixture('elf-renamed.jpg') },
        { name: 'logo.svg', data: fixture('script.svg') },
        { name: 'IMG.HEIC', data: fixture('photo.heic') },
        { name: 'brief.pdf', data: fixture('tiny.pdf') },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body).toContain('Datei 1: Programme können wir nicht annehmen.');
    expect(res.body).toContain('Datei 2: SVG-Grafiken können wir aus Sicherheitsgründen nicht annehmen.');
    expect(res.body).toContain('Datei 3: Fotos im HEIC-Format können wir nicht öffnen.');
    expect(res.body).toContain('Ihre Dateien sind gespeichert (1)');
    const draft = hiddenFields(res.body).draftToken;
    expect(draft).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // fix the form without choosing the PDF again
    const fixed = await postMultipart(c, '/report', {
      ...hiddenFields(res.body),
      ...validReport({ narrative: 'Mit Dateien' }),
    });
    expect(fixed.status).toBe(200);
    const stored = await owner((p) =>
      p.query(
        `SELECT a.kind FROM report_attachment a JOIN report r ON r.id = a.report_id ORDER BY a.created_at DESC LIMIT 1`,
      ),
    );
    expect(stored.rows[0].kind).toBe('pdf');
    expect((await owner((p) => p.query('SELECT count(*)::int AS n FROM intake_draft_file'))).rows[0].n).toBe(
      0,
    );
  }, 30_000);

  it('tells the receiving counsellors by e-mail, without any content', async () => {
    const mails = await smtp.waitFor(1, 20_000);
    const mail = mails.find((m) => m.to.includes('counsellor@example.org'))!;
    expect(mail.subject).toContain('neue Meldung');
    expect(mail.raw).not.toContain('Marker-Narrative');
    expect(mail.raw).not.toContain(MARKER_EMAIL);
    expect(mail.messageId).toMatch(/^<outbox-\d+@localhost>$/);
  }, 30_000);

  it('lets the reporter log in with the receipt, read a reply, answer, add a file, withdraw consent and ask for deletion', async () => {
    const list = await counsellor.get('/staff/reports');
    const ids = [...list.body.matchAll(/href="\/staff\/reports\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    let reportId = '';
    for (const id of ids)
      if ((await counsellor.get(`/staff/reports/${id}`)).body.includes(MARKER_NARRATIVE)) reportId = id;
    expect(
      (
        await counsellor.post(`/staff/reports/${reportId}/messages`, {
          body: 'Guten Tag, wir melden uns. Können Sie uns mehr erzählen?',
        })
      ).status,
    ).toBe(303);

    const r = client();
    await r.get('/follow-up');
    const wrong = await r.post('/follow-up', { receipt: '0000-0000-0000-0000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Diese Meldenummer kennen wir nicht');
    const login = await r.post('/follow-up', { receipt: receipt.replace(/-/g, ' ') });
    expect(login.status).toBe(303);
    const box = await r.get('/follow-up/mailbox');
    expect(box.status).toBe(200);
    expect(box.body).toContain('Können Sie uns mehr erzählen?');
    expect(box.body).toContain('Eingegangen');
    expect(box.body).not.toContain(MARKER_NARRATIVE); // the mailbox shows the conversation, not the case
    const reply = await postMultipart(
      r,
      '/follow-up/messages',
      { body: 'Ja, hier ist ein Foto vom Aushang.' },
      [{ name: 'a.png', data: fixture('text-chunk.png') }],
    );
    expect(reply.status).toBe(303);
    expect((await r.get('/follow-up/mailbox?done=sent')).body).toContain('Ihre Nachricht wurde gesendet.');
    const detail = await counsellor.get(`/staff/reports/${reportId}`);
    expect(detail.body).toContain('Ja, hier ist ein Foto vom Aushang.');
    expect(detail.body.match(/\/attachments\//g)).toHaveLength(2);

    await r.get('/follow-up/mailbox');
    expect((await r.post('/follow-up/consents/contact/withdraw')).status).toBe(303);
    const after = await owner((p) =>
      p.query(`SELECT contact, contact_channel FROM report WHERE id = $1`, [reportId]),
    );
    expect(after.rows[0]).toEqual({ contact: null, contact_channel: 'none' });
    expect((await r.post('/follow-up/consents/statistics_opt_out/grant')).status).toBe(303);
    expect((await r.post('/follow-up/deletion-request')).status).toBe(303);
    const state = await owner((p) =>
      p.query(
        `SELECT statistics_opt_out, deletion_requested_at IS NOT NULL AS del FROM report WHERE id = $1`,
        [reportId],
      ),
    );
    expect(state.rows[0]).toEqual({ statistics_opt_out: true, del: true });

    // the mailbox session ends after 20 idle minutes
    await owner((p) => p.query(`UPDATE mailbox_session SET last_seen_at = now() - interval '21 minutes'`));
    const expired = await r.get('/follow-up/mailbox');
    expect(expired.status).toBe(303);
    expect(expired.location).toBe('/follow-up?ended=1');
  }, 30_000);

  it('throttles receipt guessing with the same answer for every wrong code', async () => {
    const g = new Client(t.url, { 'x-forwarded-for': '203.0.113.99' });
    await g.get('/follow-up');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await g.post('/follow-up', { receipt: `1111-2222-3333-${String(1000 + i)}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // another client is not affected
    const other = client();
    await other.get('/follow-up');
    expect((await other.post('/follow-up', { receipt: receipt })).status).toBe(303);
  }, 30_000);

  it('takes reports through the JSON API: 201 with the receipt, 200 with the same receipt on retry, 422 with fields', async () => {
    const body = {
      ...validReport(),
      grounds: ['religion_belief'],
      consentStore: true,
      narrative: 'Per API gemeldet.',
    };
    const c = new Client(t.url);
    const created = await c.request('POST', '/api/v1/reports', {
      json: body,
      headers: { 'idempotency-key': 'api-retry-key-0001' },
    });
    expect(created.status).toBe(201);
    const { receipt: apiReceipt, replayed } = created.json();
    expect(apiReceipt).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/);
    expect(replayed).toBe(false);
    const again = await c.request('POST', '/api/v1/reports', {
      json: body,
      headers: { 'idempotency-key': 'api-retry-key-0001' },
    });
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ receipt: apiReceipt, replayed: true });
    const bad = await c.request('POST', '/api/v1/reports', {
      json: { narrative: '' },
      headers: { 'accept-language': 'en' },
    });
    expect(bad.status).toBe(422);
    expect(bad.json().error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining([
        'reporterRole',
        'narrative',
        'whenKind',
        'district',
        'grounds',
        'lifeArea',
        'contactChannel',
        'consentStore',
      ]),
    );
    expect(bad.json().error.fields.find((f: { field: string }) => f.field === 'narrative').message).toBe(
      'Please describe what happened.',
    );
    // the mailbox API with the receipt as bearer credential
    const session = await c.request('POST', '/api/v1/mailbox/session', { json: { receipt: apiReceipt } });
    expect(session.status).toBe(201);
    const token = session.json().token as string;
    const view = await c.request('GET', '/api/v1/mailbox', { headers: { authorization: `Bearer ${token}` } });
    expect(view.json()).toMatchObject({ status: 'received', messages: [] });
    expect(
      (
        await c.request('POST', '/api/v1/mailbox/messages', {
          json: { body: 'Nachtrag per API' },
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(201);
    expect((await c.request('GET', '/api/v1/mailbox')).status).toBe(401);
  }, 30_000);

  it('lets a counsellor record a report received by phone, with the oral consents recorded as such', async () => {
    await counsellor.get('/staff/reports/new');
    const res = await postMultipart(counsellor, '/staff/reports/new', {
      ...hiddenFields((await counsellor.get('/staff/reports/new')).body),
      ...validReport({ reporterRole: '', channel: 'phone', narrative: 'Telefonisch gemeldet.' }),
    });
    expect(res.status).toBe(200);
    expect(receiptIn(res.body)).not.toBeNull();
    const row = await owner((p) =>
      p.query(
        `SELECT r.channel, r.reporter_role, r.entered_by IS NOT NULL AS by_staff, c.form FROM report r JOIN report_consent c ON c.report_id = r.id WHERE r.channel = 'phone'`,
      ),
    );
    expect(row.rows[0]).toEqual({
      channel: 'phone',
      reporter_role: 'staff_entry',
      by_staff: true,
      form: 'oral',
    });
  }, 20_000);

  it('keeps narratives, e-mail addresses and client addresses out of the database dump and the logs', async () => {
    const { stdout } = await run('pg_dump', ['--data-only', t.db.ownerUrl], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout.length).toBeGreaterThan(1000);
    expect(stdout).not.toContain('Marker-Narrative');
    expect(stdout).not.toContain(MARKER_EMAIL);
    expect(stdout).not.toContain(CLIENT_IP);
    expect(stdout).not.toContain('Ja, hier ist ein Foto');
    const logs = t.output.join('\n');
    for (const secret of ['Marker-Narrative', MARKER_EMAIL, CLIENT_IP, receipt, receipt.replace(/-/g, '')])
      expect(logs).not.toContain(secret);
  });
});
