import pg from 'pg';
import { appRoutes, startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { createStaffUser, firstAdmin, withOwner } from './support/fixtures.js';
import { validReport } from './support/report-form.js';

/**
 * The counsellors' side end to end: inbox → case, the state machine, optimistic locking, notes,
 * tasks, the conversation with the reporter, transfers, and that no case ever reaches another
 * organisation, the officer or a partner — checked for every case route the router knows.
 */
describe('cases', () => {
  let t: RunningApp;
  let admin: Client;
  const users: Record<string, { client: Client; id: string }> = {};
  let orgs: { id: string; code: string; kind: string }[];

  const owner = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withOwner(t.db.ownerUrl, fn);

  async function makeUser(key: string, orgCode: string, role: string) {
    const org = orgs.find((o) => o.code === orgCode)!;
    const created = await createStaffUser(admin, t.url, org.id, key, role);
    const client = created.client;
    users[key] = { client, id: created.id };
  }

  async function report(overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await new Client(t.url).request('POST', '/api/v1/reports', {
      json: { ...validReport(), consentStore: true, ...overrides },
    });
    expect(res.status).toBe(201);
    return res.json().receipt;
  }

  beforeAll(async () => {
    t = await startApp({ INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    admin = await firstAdmin(t, 'cases admin passphrase');
    expect(
      (
        await admin.api('POST', '/api/v1/admin/organisations', {
          name: 'Beratung Nord',
          code: 'BNO',
          kind: 'counselling',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await admin.api('POST', '/api/v1/admin/organisations', {
          name: 'Rechtshilfe',
          code: 'RHS',
          kind: 'partner_service',
        })
      ).status,
    ).toBe(201);
    orgs = (await admin.get('/api/v1/admin/organisations')).json();
    await makeUser('anna', 'SZI', 'counsellor');
    await makeUser('ali', 'SZI', 'counsellor');
    await makeUser('bea', 'BNO', 'counsellor');
    await makeUser('olga', 'SZI', 'officer');
    await makeUser('paul', 'RHS', 'partner');
    await makeUser('adam', 'BNO', 'admin');
  }, 120_000);
  afterAll(() => t?.close());

  let caseId: string;
  let version: number;
  let reportId: string;
  let receipt: string;

  it('opens a case from the inbox with a reference number and the reporter classification', async () => {
    receipt = await report({
      narrative: 'Mir wurde die Wohnung verweigert.',
      lifeArea: 'housing',
      grounds: ['ethnic_origin'],
      consentShare: true,
    });
    const inbox = (await users.anna.client.get('/api/v1/inbox')).json() as { id: string }[];
    expect(inbox).toHaveLength(1);
    reportId = inbox[0].id;
    expect((await users.bea.client.get('/api/v1/inbox')).json()).toEqual([]);
    const opened = await users.anna.client.api('POST', `/api/v1/inbox/${reportId}/open`);
    expect(opened.status).toBe(201);
    const c = opened.json();
    expect(c.reference).toMatch(/^SZI-\d{4}-0001$/);
    expect(c).toMatchObject({
      status: 'triage',
      lifeArea: 'housing',
      grounds: ['ethnic_origin'],
      assignees: [users.anna.id],
    });
    caseId = c.id;
    version = c.version;
    expect((await users.anna.client.get('/api/v1/inbox')).json()).toEqual([]);
    const file = (await users.anna.client.get(`/api/v1/cases/${caseId}`)).json();
    expect(file.accounts[0].narrative).toBe('Mir wurde die Wohnung verweigert.');
    expect(file.deadline.kind).toBe('date');
    expect(file.allowedNext).toEqual(['open', 'on_hold', 'closed']);
    // the reporter sees "being looked at"
    const session = (
      await new Client(t.url).request('POST', '/api/v1/mailbox/session', { json: { receipt } })
    ).json();
    const view = await new Client(t.url).request('GET', '/api/v1/mailbox', {
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(view.json().status).toBe('in_review');
  });

  it('refuses invalid transitions with 409 naming what is allowed, and requires a closure reason', async () => {
    const bad = await users.anna.client.api('POST', `/api/v1/cases/${caseId}/status`, {
      status: 'reopened',
      version,
    });
    expect(bad.status).toBe(409);
    expect(bad.json().error.message).toContain('open, on_hold, closed');
    const noReason = await users.anna.client.api('POST', `/api/v1/cases/${caseId}/status`, {
      status: 'closed',
      version,
    });
    expect(noReason.status).toBe(422);
    const ok = await users.anna.client.api('POST', `/api/v1/cases/${caseId}/status`, {
      status: 'open',
      version,
    });
    expect(ok.status).toBe(201);
    version = ok.json().version;
  });

  it('refuses the second of two concurrent saves (optimistic locking) and fields nobody may set', async () => {
    const first = await users.anna.client.api('PATCH', `/api/v1/cases/${caseId}/assessment`, {
      version,
      forms: ['direct'],
      perpetratorType: 'landlord',
    });
    expect(first.status).toBe(204);
    const second = await users.ali.client.api('PATCH', `/api/v1/cases/${caseId}/assessment`, {
      version,
      level: 'institutional',
    });
    expect(second.status).toBe(409);
    expect(second.json().error.code).toBe('conflict');
    version += 1;
    const foreignField = await users.anna.client.api('PATCH', `/api/v1/cases/${caseId}/assessment`, {
      version,
      organisationId: orgs[0].id,
    });
    expect(foreignField.status).toBe(400);
    const badCode = await users.anna.client.api('PATCH', `/api/v1/cases/${caseId}/assessment`, {
      version,
      grounds: ['martian'],
    });
    expect(badCode.status).toBe(422);
    const notColleague = await users.anna.client.api('PUT', `/api/v1/cases/${caseId}/assignees`, {
      version,
      assignees: [users.bea.id],
    });
    expect(notColleague.status).toBe(400);
    expect(
      (
        await users.anna.client.api('PUT', `/api/v1/cases/${caseId}/assignees`, {
          version,
          assignees: [users.anna.id, users.ali.id],
        })
      ).status,
    ).toBe(204);
    version += 1;
  });

  it('keeps personal notes personal, records tasks and interventions, and talks with the reporter both ways', async () => {
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/cases/${caseId}/notes`, {
          body: 'Team-Notiz X1',
          visibility: 'team',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/cases/${caseId}/notes`, {
          body: 'Persönliche Notiz X2',
          visibility: 'personal',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/cases/${caseId}/tasks`, {
          title: 'Vermieter anschreiben',
          dueDate: '2026-12-01',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/cases/${caseId}/interventions`, {
          type: 'complaint_letter',
          date: '2026-11-26',
          description: 'Brief an die Hausverwaltung',
        })
      ).status,
    ).toBe(201);
    const forAli = (await users.ali.client.get(`/api/v1/cases/${caseId}`)).json();
    const bodies = forAli.timeline.map((e: { body: string | null }) => e.body);
    expect(bodies).toContain('Team-Notiz X1');
    expect(bodies).not.toContain('Persönliche Notiz X2');
    expect(forAli.tasks[0]).toMatchObject({ title: 'Vermieter anschreiben', done: false });
    expect(
      (await users.anna.client.get(`/api/v1/cases/${caseId}`))
        .json()
        .timeline.map((e: { body: string | null }) => e.body),
    ).toContain('Persönliche Notiz X2');
    // counsellor → reporter → counsellor
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/cases/${caseId}/messages`, {
          reportId,
          body: 'Wir schreiben die Hausverwaltung an.',
        })
      ).status,
    ).toBe(201);
    const session = (
      await new Client(t.url).request('POST', '/api/v1/mailbox/session', { json: { receipt } })
    ).json();
    const auth = { authorization: `Bearer ${session.token}` };
    const box = (await new Client(t.url).request('GET', '/api/v1/mailbox', { headers: auth })).json();
    expect(box.messages.map((m: { body: string }) => m.body)).toContain(
      'Wir schreiben die Hausverwaltung an.',
    );
    await new Client(t.url).request('POST', '/api/v1/mailbox/messages', {
      json: { body: 'Danke, hier meine Antwort.' },
      headers: auth,
    });
    const file = (await users.anna.client.get(`/api/v1/cases/${caseId}`)).json();
    expect(file.accounts[0].messages.map((m: { body: string }) => m.body)).toEqual([
      'Wir schreiben die Hausverwaltung an.',
      'Danke, hier meine Antwort.',
    ]);
    // notes are encrypted at rest
    const raw = await owner((c) => c.query(`SELECT body FROM case_entry WHERE kind = 'note'`));
    for (const r of raw.rows) expect(Buffer.from(r.body).toString('utf8')).not.toContain('Notiz');
  });

  it('transfers a report only with the consent to share, and closes duplicates outside statistics', async () => {
    await report({ narrative: 'Ohne Zustimmung zur Weitergabe.' });
    await report({ narrative: 'Mit Zustimmung zur Weitergabe.', consentShare: true });
    await report({ narrative: 'Doppelt.' });
    const inbox = (await users.anna.client.get('/api/v1/inbox')).json() as { id: string }[];
    expect(inbox).toHaveLength(3);
    const [noConsent, withConsent, duplicate] = inbox;
    const refused = await users.anna.client.api('POST', `/api/v1/inbox/${noConsent.id}/transfer`, {
      organisationCode: 'BNO',
    });
    expect(refused.status).toBe(409);
    expect(refused.json().error.message).toContain('nicht zugestimmt');
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/inbox/${withConsent.id}/transfer`, {
          organisationCode: 'bno',
        })
      ).status,
    ).toBe(204);
    expect(
      ((await users.bea.client.get('/api/v1/inbox')).json() as { id: string }[]).map((r) => r.id),
    ).toEqual([withConsent.id]);
    expect(
      (await users.anna.client.api('POST', `/api/v1/inbox/${duplicate.id}/close`, { reason: 'duplicate' }))
        .status,
    ).toBe(204);
    const closed = await owner((c) =>
      c.query(`SELECT status, closure_reason FROM report WHERE id = $1`, [duplicate.id]),
    );
    expect(closed.rows[0]).toEqual({ status: 'closed', closure_reason: 'duplicate' });
    // a second report about the same event joins the case as another account
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/inbox/${noConsent.id}/add-to-case`, {
          caseId,
          incidentId: 'new',
        })
      ).status,
    ).toBe(204);
    expect((await users.anna.client.get(`/api/v1/cases/${caseId}`)).json().incidents).toHaveLength(2);
  });

  it('records a consent the person declared by phone or in writing, in the report ledger as such', async () => {
    const file = (await users.anna.client.get(`/api/v1/cases/${caseId}`)).json();
    const second = file.accounts.find(
      (a: { narrative: string }) => a.narrative === 'Ohne Zustimmung zur Weitergabe.',
    ).reportId;
    const granted = await users.anna.client.api('POST', `/api/v1/cases/${caseId}/consents`, {
      reportId: second,
      purpose: 'share',
      action: 'grant',
      form: 'oral',
    });
    expect(granted.status).toBe(204);
    const withdrawn = await users.anna.client.api('POST', `/api/v1/cases/${caseId}/consents`, {
      reportId: second,
      purpose: 'share',
      action: 'withdraw',
      form: 'written',
    });
    expect(withdrawn.status).toBe(204);
    const ledger = await owner((c) =>
      c.query(
        `SELECT purpose, action, form, recorded_by FROM report_consent WHERE report_id = $1 AND purpose = 'share' ORDER BY id`,
        [second],
      ),
    );
    expect(ledger.rows).toEqual([
      { purpose: 'share', action: 'grant', form: 'oral', recorded_by: users.anna.id },
      { purpose: 'share', action: 'withdraw', form: 'written', recorded_by: users.anna.id },
    ]);
    // a report that is not in this case: not found
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/cases/${caseId}/consents`, {
          reportId: '00000000-0000-4000-8000-000000000000',
          purpose: 'share',
          action: 'grant',
          form: 'oral',
        })
      ).status,
    ).toBe(404);
  });

  it('hides every case route from another organisation (404, audited), and from officers and partners', async () => {
    const caseRoutes = (await appRoutes(t)).filter((r) => r.url.includes('/cases/:id'));
    expect(caseRoutes.length).toBeGreaterThanOrEqual(11);
    const before = await owner((c) =>
      c.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'case.read_denied'`),
    );
    for (const r of caseRoutes) {
      const url = r.url
        .replace(':id', caseId)
        .replace(':action', 'notes')
        .replace(':taskId', '00000000-0000-4000-8000-000000000000');
      const bodies: Record<string, object> = {
        status: { status: 'open', version: 1 },
        assessment: { version: 1 },
        assignees: { assignees: [], version: 1 },
        notes: { body: 'x' },
        interventions: { type: 'mediation', date: '2026-11-01' },
        tasks: { title: 'x', dueDate: '2026-12-01' },
        messages: { reportId, body: 'x' },
        consents: { reportId, purpose: 'share', action: 'grant', form: 'oral' },
        'legal-hold': { reason: 'x' },
      };
      const body = bodies[url.split('/').pop() ?? ''] ?? {};
      // the outsider with the right role: a counsellor of another organisation, or its admin for admin-only routes
      const outsider = r.roles?.includes('counsellor') ? users.bea.client : users.adam.client;
      const res404 =
        r.method === 'GET'
          ? await outsider.get(url)
          : await outsider.request(
              r.method,
              url,
              url.startsWith('/api/')
                ? { json: body, headers: { 'x-csrf-token': outsider.csrf } }
                : {
                    form: { _csrf: outsider.csrf, body: 'x' },
                    headers: { 'sec-fetch-site': 'same-origin' },
                  },
            );
      if (res404.status !== 404)
        throw new Error(`${r.method} ${r.url} answered ${res404.status} to another organisation`);
      for (const who of ['olga', 'paul']) {
        const res =
          r.method === 'GET'
            ? await users[who].client.get(url)
            : await users[who].client.request(r.method, url, {
                json: body,
                headers: { 'x-csrf-token': users[who].client.csrf },
              });
        if (res.status !== 403) throw new Error(`${r.method} ${r.url} answered ${res.status} to ${who}`);
      }
    }
    const after = await owner((c) =>
      c.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'case.read_denied'`),
    );
    expect(after.rows[0].n - before.rows[0].n).toBeGreaterThanOrEqual(caseRoutes.length);
    expect((await users.bea.client.get(`/api/v1/cases/00000000-0000-4000-8000-000000000000`)).status).toBe(
      404,
    );
  }, 60_000);

  it('shows admins of the owning organisation the access log of a case', async () => {
    const log = await admin.get(`/api/v1/cases/${caseId}/access-log`);
    expect(log.status).toBe(200);
    const actions = (log.json() as { action: string; actor: string }[]).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['case.open', 'case.read', 'case.status.open', 'case.read_denied']),
    );
    expect((await users.anna.client.get(`/api/v1/cases/${caseId}/access-log`)).status).toBe(403);
    const page = await admin.get(`/staff/cases/${caseId}`);
    expect(page.body).toContain('Zugriffsprotokoll');
  });

  it('audits every read of a case', async () => {
    const reads = await owner((c) =>
      c.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'case.read' AND entity_id = $1`, [
        caseId,
      ]),
    );
    expect(reads.rows[0].n).toBeGreaterThanOrEqual(5);
  });

  it('enforces row-level security for the restricted app role', async () => {
    const app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
    try {
      expect((await app.query('SELECT count(*)::int AS n FROM case_file')).rows[0].n).toBe(0);
      await app.query('BEGIN');
      await app.query(`SELECT set_config('anl.organisation_id', $1, true)`, [
        orgs.find((o) => o.code === 'BNO')!.id,
      ]);
      expect((await app.query('SELECT count(*)::int AS n FROM case_file')).rows[0].n).toBe(0);
      await app.query('ROLLBACK');
      await app.query('BEGIN');
      await app.query(`SELECT set_config('anl.organisation_id', $1, true)`, [
        orgs.find((o) => o.code === 'SZI')!.id,
      ]);
      expect((await app.query('SELECT count(*)::int AS n FROM case_file')).rows[0].n).toBe(1);
      await expect(
        app.query(`UPDATE case_file SET organisation_id = $1`, [orgs.find((o) => o.code === 'BNO')!.id]),
      ).rejects.toThrow(/row-level security/);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('saves a partial assessment without blanking the fields that were not sent', async () => {
    const before = (await users.anna.client.get(`/api/v1/cases/${caseId}`)).json();
    const res = await users.anna.client.api('PATCH', `/api/v1/cases/${caseId}/assessment`, {
      version: before.version,
      lifeArea: 'employment',
    });
    expect(res.status).toBe(204);
    const after = (await users.anna.client.get(`/api/v1/cases/${caseId}`)).json();
    expect(after.lifeArea).toBe('employment');
    expect(after.forms).toEqual(before.forms);
    expect(after.perpetratorType).toBe(before.perpetratorType);
    // the deadline is recomputed from the stored incident date for the new life area
    expect(after.deadline.kind).toBe('date');
  });

  it('serves the inbox and case file pages', async () => {
    const page = await users.anna.client.get(`/staff/cases/${caseId}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/SZI-\d{4}-0001/);
    expect(page.body).toContain('Mir wurde die Wohnung verweigert.');
    const stale = await users.anna.client.post(`/staff/cases/${caseId}/status`, {
      status: 'on_hold',
      version: '1',
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toContain('Jemand hat den Fall inzwischen geändert');
    const inbox = await users.anna.client.get('/staff/inbox');
    expect(inbox.status).toBe(200);
  });
});
