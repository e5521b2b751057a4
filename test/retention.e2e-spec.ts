import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { createStaffUser, firstAdmin, withOwner } from './support/fixtures.js';
import { validReport } from './support/report-form.js';

const run = promisify(execFile);

/**
 * Retention and erasure end to end: the subject access export, legal hold, the retention job
 * (crypto-shredding plus removal of the ciphertext, only the anonymous classification left — checked
 * in a pg_dump of the whole database), erasure on request, and that a second run changes nothing.
 */
describe('retention and erasure', () => {
  let t: RunningApp;
  let admin: Client;
  const users: Record<string, { client: Client; id: string }> = {};
  let orgs: { id: string; code: string }[];

  const owner = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withOwner(t.db.ownerUrl, fn);

  async function makeUser(key: string, orgCode: string, role: string) {
    const org = orgs.find((o) => o.code === orgCode)!;
    const created = await createStaffUser(admin, t.url, org.id, key, role);
    const client = created.client;
    users[key] = { client, id: created.id };
  }

  async function submit(overrides: Record<string, unknown>): Promise<{ receipt: string; reportId: string }> {
    const before = new Set(
      ((await users.anna.client.get('/api/v1/inbox')).json() as { id: string }[]).map((r) => r.id),
    );
    const res = await new Client(t.url).request('POST', '/api/v1/reports', {
      json: { ...validReport(), consentStore: true, ...overrides },
    });
    expect(res.status).toBe(201);
    const inbox = (await users.anna.client.get('/api/v1/inbox')).json() as { id: string }[];
    const fresh = inbox.filter((r) => !before.has(r.id));
    expect(fresh).toHaveLength(1);
    return { receipt: res.json().receipt, reportId: fresh[0].id };
  }

  async function mailbox(receipt: string) {
    const res = await new Client(t.url).request('POST', '/api/v1/mailbox/session', { json: { receipt } });
    return {
      status: res.status,
      auth: { authorization: `Bearer ${res.status === 201 || res.status === 200 ? res.json().token : ''}` },
    };
  }

  interface Made {
    marker: string;
    caseId: string;
    reportId: string;
    receipt: string;
    dataKeyId: string;
    reportKeyId: string;
  }

  /** A closed case full of marker strings: narrative, place, contact e-mail, note, messages both ways, task, intervention, tag. */
  async function makeCase(marker: string, close = true): Promise<Made> {
    const anna = users.anna.client;
    const { receipt, reportId } = await submit({
      narrative: `Erzählung ${marker} im Wohnungsamt`,
      place: `Ort ${marker}`,
      lifeArea: 'housing',
      grounds: ['ethnic_origin', 'religion_belief'],
      district: 'nord',
      incidentDate: '2026-11-17',
      contactChannel: 'email',
      contactEmail: `${marker.toLowerCase()}@example.org`,
      consentContact: true,
      consentShare: true,
    });
    const opened = await anna.api('POST', `/api/v1/inbox/${reportId}/open`);
    expect(opened.status).toBe(201);
    const caseId = opened.json().id as string;
    expect(
      (
        await anna.api('PATCH', `/api/v1/cases/${caseId}/assessment`, {
          version: opened.json().version,
          forms: ['direct'],
          level: 'institutional',
          perpetratorType: 'landlord',
          outcome: 'settled',
          tags: [`tag${marker}`],
        })
      ).status,
    ).toBe(204);
    expect(
      (await anna.api('POST', `/api/v1/cases/${caseId}/notes`, { body: `Notiz ${marker}` })).status,
    ).toBe(201);
    expect(
      (
        await anna.api('POST', `/api/v1/cases/${caseId}/tasks`, {
          title: `Aufgabe ${marker}`,
          dueDate: '2026-12-01',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await anna.api('POST', `/api/v1/cases/${caseId}/interventions`, {
          type: 'complaint_letter',
          date: '2026-11-26',
          description: `Maßnahme ${marker}`,
        })
      ).status,
    ).toBe(201);
    expect(
      (await anna.api('POST', `/api/v1/cases/${caseId}/messages`, { reportId, body: `An Sie ${marker}` }))
        .status,
    ).toBe(201);
    const box = await mailbox(receipt);
    expect(
      (
        await new Client(t.url).request('POST', '/api/v1/mailbox/messages', {
          json: { body: `Antwort ${marker}` },
          headers: box.auth,
        })
      ).status,
    ).toBe(201);
    if (close) {
      let version = (await anna.get(`/api/v1/cases/${caseId}`)).json().version as number;
      for (const [status, closureReason] of [
        ['open', undefined],
        ['closed', 'counselling_completed'],
      ] as const) {
        const res = await anna.api('POST', `/api/v1/cases/${caseId}/status`, {
          status,
          closureReason,
          version,
        });
        expect(res.status).toBe(201);
        version = res.json().version;
      }
    }
    const keys = await owner((c) =>
      c.query(
        `SELECT c.data_key_id AS case_key, r.data_key_id AS report_key FROM case_file c, report r WHERE c.id = $1 AND r.id = $2`,
        [caseId, reportId],
      ),
    );
    return {
      marker,
      caseId,
      reportId,
      receipt,
      dataKeyId: keys.rows[0].case_key,
      reportKeyId: keys.rows[0].report_key,
    };
  }

  /** Hex chunks of every ciphertext that belongs to a case: none of them may survive its erasure. */
  async function ciphertexts(m: Made): Promise<string[]> {
    const rows = await owner((c) =>
      c.query(
        `SELECT encode(content, 'hex') AS h FROM report WHERE id = $2
         UNION ALL SELECT encode(contact, 'hex') FROM report WHERE id = $2
         UNION ALL SELECT encode(body, 'hex') FROM report_message WHERE report_id = $2
         UNION ALL SELECT encode(body, 'hex') FROM case_entry WHERE case_id = $1 AND body IS NOT NULL
         UNION ALL SELECT encode(title, 'hex') FROM case_task WHERE case_id = $1
         UNION ALL SELECT encode(wrapped, 'hex') FROM data_key WHERE id IN ($3, $4)`,
        [m.caseId, m.reportId, m.dataKeyId, m.reportKeyId],
      ),
    );
    const chunks = (rows.rows as { h: string | null }[]).filter((r) => r.h).map((r) => r.h!.slice(24, 88));
    expect(chunks.length).toBeGreaterThanOrEqual(8);
    return chunks;
  }

  async function dump(): Promise<string> {
    const { stdout } = await run('pg_dump', ['--data-only', '--no-owner', t.db.ownerUrl], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  }

  async function auditCount(action: string, entityId: string): Promise<number> {
    return owner(async (c) => {
      const r = await c.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = $1 AND entity_id = $2`,
        [action, entityId],
      );
      return r.rows[0].n as number;
    });
  }

  async function runJob() {
    const res = await admin.api('POST', '/api/v1/admin/retention/run');
    expect(res.status).toBe(200);
    return res.json() as {
      casesErased: number;
      reportsErased: number;
      failed: number;
      retentionScheduled: number;
    };
  }

  let erased: Made;
  let held: Made;
  let onRequest: Made;
  let anonymous: { receipt: string; reportId: string };
  let fresh: { receipt: string; reportId: string };

  beforeAll(async () => {
    t = await startApp({ INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    admin = await firstAdmin(t, 'retention admin passphrase');
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
    erased = await makeCase('MKAQ7ERASE');
    held = await makeCase('MKBZ3HOLD');
    onRequest = await makeCase('MKCX9ASKED', false);
    anonymous = await submit({ narrative: 'Anonym MKRW5ANON ohne Kontakt' });
    fresh = await submit({ narrative: 'Frisch MKSV2FRESH ohne Kontakt' });
  }, 180_000);
  afterAll(() => t?.close());

  it('exports everything about a case as JSON and as a printable page, audited', async () => {
    const res = await users.anna.client.get(`/api/v1/cases/${erased.caseId}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    const x = res.json();
    expect(x.case).toMatchObject({
      status: 'closed',
      grounds: ['ethnic_origin', 'religion_belief'],
      tags: ['tagMKAQ7ERASE'],
    });
    expect(x.reports).toHaveLength(1);
    const r = x.reports[0];
    expect(r.account.narrative).toContain('MKAQ7ERASE');
    expect(r.contact.email).toBe('mkaq7erase@example.org');
    expect(
      r.consents.map(
        (c: { purpose: string; action: string; form: string }) => `${c.purpose}:${c.action}:${c.form}`,
      ),
    ).toEqual(expect.arrayContaining(['store:grant:online', 'contact:grant:online', 'share:grant:online']));
    expect(r.consents[0].recordedAt).toMatch(/^\d{4}-/);
    expect(r.messages.map((m: { direction: string; body: string }) => `${m.direction}:${m.body}`)).toEqual([
      'to_reporter:An Sie MKAQ7ERASE',
      'from_reporter:Antwort MKAQ7ERASE',
    ]);
    expect(x.notes.map((n: { body: string }) => n.body)).toEqual(['Notiz MKAQ7ERASE']);
    expect(x.tasks[0].title).toBe('Aufgabe MKAQ7ERASE');
    expect(x.interventions[0]).toMatchObject({
      type: 'complaint_letter',
      description: 'Maßnahme MKAQ7ERASE',
    });
    expect(x.timeline.length).toBeGreaterThan(5);
    expect(x.audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['case.open', 'report.create']),
    );
    // no staff ids in the export for the person concerned
    expect(JSON.stringify(x)).not.toContain(users.anna.id);

    const page = await users.anna.client.get(`/staff/cases/${erased.caseId}/export`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Erzählung MKAQ7ERASE im Wohnungsamt');
    expect(page.body).toContain('mkaq7erase@example.org');
    expect(page.body).toContain('Antwort MKAQ7ERASE');
    expect(page.body).not.toMatch(/retention\.export\./);
    expect(page.headers.get('cache-control')).toContain('no-store');
    expect(await auditCount('case.export', erased.caseId)).toBe(2);

    expect((await users.bea.client.get(`/api/v1/cases/${erased.caseId}/export`)).status).toBe(404);
    expect((await users.bea.client.get(`/staff/cases/${erased.caseId}/export`)).status).toBe(404);
    expect((await users.olga.client.get(`/api/v1/cases/${erased.caseId}/export`)).status).toBe(403);
  });

  it('puts a case on legal hold only for its own organisation, with a reason', async () => {
    expect(
      (await users.bea.client.api('POST', `/api/v1/cases/${held.caseId}/legal-hold`, { reason: 'x' })).status,
    ).toBe(404);
    expect((await users.anna.client.api('POST', `/api/v1/cases/${held.caseId}/legal-hold`, {})).status).toBe(
      422,
    );
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/cases/${held.caseId}/legal-hold`, {
          reason: 'Klage vor dem Arbeitsgericht anhängig',
        })
      ).status,
    ).toBe(204);
    expect((await users.anna.client.get(`/api/v1/cases/${held.caseId}`)).json().legalHold).toBe(true);
    expect(await auditCount('case.legal_hold', held.caseId)).toBe(1);
    // the reason is on the case, never in the audit trail
    const trail = await owner((c) =>
      c.query(`SELECT * FROM audit_event WHERE entity_id = $1`, [held.caseId]),
    );
    expect(JSON.stringify(trail.rows)).not.toContain('Arbeitsgericht');
  });

  let before: string[];

  it('erases expired cases and reports: nothing left in a database dump but the anonymous classification', async () => {
    before = await ciphertexts(erased);
    const heldCiphertexts = await ciphertexts(held);
    // the job scheduled nothing for open cases; closed ones get a date 3 years after the end of the year
    await owner(async (c) => {
      await c.query(`UPDATE case_file SET retention_until = NULL WHERE id = ANY($1)`, [
        [erased.caseId, held.caseId],
      ]);
    });
    const scheduled = await runJob();
    expect(scheduled).toMatchObject({ casesErased: 0, reportsErased: 0, failed: 0, retentionScheduled: 2 });
    const until = await owner((c) =>
      c.query(`SELECT retention_until::text AS u, closed_at FROM case_file WHERE id = $1`, [erased.caseId]),
    );
    expect(until.rows[0].u).toBe(`${new Date(until.rows[0].closed_at).getFullYear() + 3}-12-31`);

    // time passes
    await owner(async (c) => {
      await c.query(`UPDATE case_file SET retention_until = '2020-12-31' WHERE id = ANY($1)`, [
        [erased.caseId, held.caseId],
      ]);
      await c.query(`UPDATE report SET created_at = now() - interval '100 days' WHERE id = $1`, [
        anonymous.reportId,
      ]);
    });
    const result = await runJob();
    expect(result).toMatchObject({ casesErased: 1, reportsErased: 1, failed: 0 });

    const text = await dump();
    expect(text).toContain('tagMKBZ3HOLD'); // the dump does show clear text: the held case's tag is there
    for (const marker of ['MKAQ7ERASE', 'mkaq7erase', 'MKRW5ANON']) expect(text).not.toContain(marker);
    for (const chunk of before) expect(text).not.toContain(chunk);
    for (const chunk of heldCiphertexts) expect(text).toContain(chunk);

    // the statistical record: codes only, the incident month, no free text, no people
    const record = await owner((c) =>
      c.query(
        `SELECT status, closure_reason, grounds, forms, level, life_area, perpetrator_type, district, outcome,
                incident_date::text AS incident_date, when_kind, tags, assignees, learned_on, erased_at IS NOT NULL AS erased
           FROM case_file WHERE id = $1`,
        [erased.caseId],
      ),
    );
    expect(record.rows[0]).toEqual({
      status: 'closed',
      closure_reason: 'counselling_completed',
      grounds: ['ethnic_origin', 'religion_belief'],
      forms: ['direct'],
      level: 'institutional',
      life_area: 'housing',
      perpetrator_type: 'landlord',
      district: 'nord',
      outcome: 'settled',
      incident_date: '2026-11-01',
      when_kind: 'month',
      tags: [],
      assignees: [],
      learned_on: null,
      erased: true,
    });
    const report = await owner((c) =>
      c.query(
        `SELECT grounds, life_area, district, contact, length(content) AS content_length, incident_date::text AS incident_date,
                erased_at IS NOT NULL AS erased,
                (SELECT count(*)::int FROM report_message WHERE report_id = r.id) AS messages,
                (SELECT count(*)::int FROM report_consent WHERE report_id = r.id) AS consents,
                (SELECT count(*)::int FROM mailbox_session WHERE report_id = r.id) AS sessions
           FROM report r WHERE id = $1`,
        [erased.reportId],
      ),
    );
    expect(report.rows[0]).toEqual({
      grounds: ['ethnic_origin', 'religion_belief'],
      life_area: 'housing',
      district: 'nord',
      contact: null,
      content_length: 0,
      incident_date: '2026-11-01',
      erased: true,
      messages: 0,
      consents: 0,
      sessions: 0,
    });
    const keys = await owner((c) =>
      c.query(`SELECT wrapped, destroyed_at FROM data_key WHERE id = ANY($1)`, [
        [erased.dataKeyId, erased.reportKeyId],
      ]),
    );
    expect(keys.rows).toHaveLength(2);
    for (const k of keys.rows) expect(k).toMatchObject({ wrapped: null, destroyed_at: expect.any(Date) });
    for (const table of ['case_entry', 'case_task', 'case_reminder']) {
      const n = await owner((c) =>
        c.query(`SELECT count(*)::int AS n FROM ${table} WHERE case_id = $1`, [erased.caseId]),
      );
      expect(n.rows[0].n).toBe(0);
    }
  });

  it('keeps the case on hold and fresh reports readable; the erased case and its receipt are gone', async () => {
    const file = (await users.anna.client.get(`/api/v1/cases/${held.caseId}`)).json();
    expect(file.accounts[0].narrative).toContain('MKBZ3HOLD');
    expect(file.timeline.map((e: { body: string | null }) => e.body)).toContain('Notiz MKBZ3HOLD');
    expect((await users.anna.client.get(`/api/v1/cases/${erased.caseId}`)).status).toBe(404);
    expect((await users.anna.client.get(`/api/v1/cases/${erased.caseId}/export`)).status).toBe(404);
    expect((await mailbox(erased.receipt)).status).toBe(401);
    expect((await mailbox(anonymous.receipt)).status).toBe(401);
    expect([200, 201]).toContain((await mailbox(fresh.receipt)).status);
    const inbox = ((await users.anna.client.get('/api/v1/inbox')).json() as { id: string }[]).map(
      (r) => r.id,
    );
    expect(inbox).toContain(fresh.reportId);
    expect(inbox).not.toContain(anonymous.reportId);
  });

  it('writes one content-free audit entry per erasure, and a second run erases and fails nothing', async () => {
    expect(await auditCount('case.erased', erased.caseId)).toBe(1);
    expect(await auditCount('report.erased', erased.reportId)).toBe(1);
    expect(await auditCount('report.erased', anonymous.reportId)).toBe(1);
    expect(await auditCount('case.erased', held.caseId)).toBe(0);
    const rows = await owner((c) =>
      c.query(`SELECT * FROM audit_event WHERE action IN ('case.erased', 'report.erased')`),
    );
    expect(rows.rows.every((r: { actor_type: string }) => r.actor_type === 'system')).toBe(true);
    expect(JSON.stringify(rows.rows)).not.toMatch(/MK[A-Z0-9]+|example\.org/);
    const again = await runJob();
    expect(again).toMatchObject({ casesErased: 0, reportsErased: 0, failed: 0 });
    expect(await auditCount('case.erased', erased.caseId)).toBe(1);
    expect(await auditCount('report.erased', erased.reportId)).toBe(1);
    const audit = await owner((c) =>
      c.query(`SELECT count(*)::int AS n FROM audit_event WHERE action LIKE '%.erased'`),
    );
    expect(audit.rows[0].n).toBe(3);
  });

  it('erases on request (not while on hold), and the job takes a released case', async () => {
    expect((await users.bea.client.api('POST', `/api/v1/cases/${onRequest.caseId}/erase`)).status).toBe(404);
    expect((await users.olga.client.api('POST', `/api/v1/cases/${onRequest.caseId}/erase`)).status).toBe(403);
    const refused = await users.anna.client.api('POST', `/api/v1/cases/${held.caseId}/erase`);
    expect(refused.status).toBe(409);
    expect((await users.anna.client.post(`/staff/cases/${onRequest.caseId}/erase`, {})).status).toBe(422);
    expect((await users.anna.client.api('POST', `/api/v1/cases/${onRequest.caseId}/erase`)).status).toBe(204);
    expect((await users.anna.client.get(`/api/v1/cases/${onRequest.caseId}`)).status).toBe(404);
    expect((await users.anna.client.api('POST', `/api/v1/cases/${onRequest.caseId}/erase`)).status).toBe(404);
    const who = await owner((c) =>
      c.query(
        `SELECT actor_type, actor_id FROM audit_event WHERE action = 'case.erased' AND entity_id = $1`,
        [onRequest.caseId],
      ),
    );
    expect(who.rows).toEqual([{ actor_type: 'staff', actor_id: users.anna.id }]);
    expect(await auditCount('report.erased', onRequest.reportId)).toBe(1);

    expect((await users.anna.client.api('DELETE', `/api/v1/cases/${held.caseId}/legal-hold`)).status).toBe(
      204,
    );
    expect(await auditCount('case.legal_hold_released', held.caseId)).toBe(1);
    expect(await runJob()).toMatchObject({ casesErased: 1, failed: 0 });
    expect((await users.anna.client.get(`/api/v1/cases/${held.caseId}`)).status).toBe(404);
  });
});
