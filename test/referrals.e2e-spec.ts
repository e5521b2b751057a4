import pg from 'pg';
import { appRoutes, startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { createStaffUser, firstAdmin, withOwner } from './support/fixtures.js';
import { validReport } from './support/report-form.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const NOBODY = '00000000-0000-4000-8000-000000000000';

/**
 * Referrals end to end: the partner directory, a referral from a case with only the fields the
 * reporter agreed to share, the partner's side (accept, feedback, complete), consent and duplicate
 * checks, partner isolation on every referral route, reminders with a chosen clock, e-mails without
 * content, and a withdrawn consent that revokes the referral and cancels its queued e-mail.
 */
describe('referrals', () => {
  let t: RunningApp;
  let sink: SmtpSink;
  let admin: Client;
  const users: Record<string, { client: Client; id: string; email: string }> = {};
  let orgs: { id: string; code: string; kind: string }[];
  const org = (code: string) => orgs.find((o) => o.code === code)!.id;

  const owner = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withOwner(t.db.ownerUrl, fn);

  async function makeUser(key: string, orgCode: string, role: string) {
    const email = `${key}@example.org`;
    const created = await createStaffUser(admin, t.url, org(orgCode), key, role);
    const client = created.client;
    users[key] = { client, id: created.id, email };
  }

  /** A report to the service centre; opened as a case by anna. */
  async function reportAndCase(overrides: Record<string, unknown>) {
    const res = await new Client(t.url).request('POST', '/api/v1/reports', {
      json: { ...validReport(), consentStore: true, ...overrides },
    });
    expect(res.status).toBe(201);
    const receipt = res.json().receipt as string;
    const inbox = (await users.anna.client.get('/api/v1/inbox')).json() as { id: string }[];
    expect(inbox).toHaveLength(1);
    const opened = await users.anna.client.api('POST', `/api/v1/inbox/${inbox[0].id}/open`);
    expect(opened.status).toBe(201);
    return {
      receipt,
      reportId: inbox[0].id,
      caseId: opened.json().id as string,
      reference: opened.json().reference as string,
    };
  }

  async function refer(caseId: string, body: Record<string, unknown> = {}) {
    return users.anna.client.api('POST', '/api/v1/referrals', {
      caseId,
      toOrganisationId: org('RHS'),
      serviceType: 'legal_aid',
      summary: 'Bitte Beratung zum AGG SUMMARY77',
      sharedFields: ['grounds', 'life_area'],
      ...body,
    });
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startApp({
      SMTP_URL: sink.url,
      WORKERS_IN_PROCESS: 'true',
      INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000',
    });
    admin = await firstAdmin(t, 'referrals admin passphrase');
    for (const [name, code, kind] of [
      ['Rechtshilfe', 'RHS', 'partner_service'],
      ['Opferberatung', 'OBS', 'partner_service'],
      ['Beratung Nord', 'BNO', 'counselling'],
    ])
      expect((await admin.api('POST', '/api/v1/admin/organisations', { name, code, kind })).status).toBe(201);
    orgs = (await admin.get('/api/v1/admin/organisations')).json();
    await makeUser('anna', 'SZI', 'counsellor');
    await makeUser('bea', 'BNO', 'counsellor');
    await makeUser('paul', 'RHS', 'partner');
    await makeUser('petra', 'OBS', 'partner');
    await makeUser('olga', 'SZI', 'officer');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('keeps a partner directory that admins edit and /help shows, with filters and no JavaScript', async () => {
    const rhs = await admin.api('PUT', `/api/v1/partners/${org('RHS')}`, {
      services: ['legal_aid', 'migration_counselling'],
      languages: ['ar', 'fa', 'de'],
      districts: ['mitte'],
      accessibility: ['step_free'],
      openingHours: 'Di 10–13 Uhr',
      phone: '0345 9900 101',
      email: 'rechtshilfe@example.org',
      address: 'Große Ulrichstraße 1, 06108 Halle (Saale)',
      website: 'https://rechtshilfe.example.org',
      takesReferrals: true,
      capacity: 'waiting_list',
      published: true,
    });
    expect(rhs.status).toBe(200);
    expect(rhs.json()).toMatchObject({ code: 'RHS', takesReferrals: true, version: 1 });
    expect(
      (
        await admin.api('PUT', `/api/v1/partners/${org('OBS')}`, {
          services: ['victim_support', 'legal_aid'],
          languages: ['ru', 'uk'],
          districts: ['citywide'],
          takesReferrals: true,
          published: true,
        })
      ).status,
    ).toBe(200);
    expect((await admin.api('PUT', `/api/v1/partners/${org('RHS')}`, { services: ['martian'] })).status).toBe(
      422,
    );
    expect(
      (await users.anna.client.api('PUT', `/api/v1/partners/${org('RHS')}`, { published: false })).status,
    ).toBe(403);

    const all = await new Client(t.url).get('/help?lang=en');
    expect(all.status).toBe(200);
    expect(all.body).toContain('Rechtshilfe');
    expect(all.body).toContain('Opferberatung');
    expect(all.body).toContain('0345 9900 101');
    expect(all.body).toContain('href="/report"');
    expect(all.body).not.toMatch(/<script/i);
    const arabic = await new Client(t.url).get('/help?lang=en&language=ar');
    expect(arabic.body).toContain('Rechtshilfe');
    expect(arabic.body).not.toContain('Opferberatung');
    const victim = await new Client(t.url).get('/help?service=victim_support&district=sued');
    expect(victim.body).toContain('Opferberatung'); // serves the whole city
    expect(victim.body).not.toContain('Rechtshilfe');
  });

  let first: { caseId: string; reportId: string; reference: string; receipt: string };
  let referralId: string;

  it('refers a case with share consent; the partner sees only the shared fields, accepts, completes', async () => {
    first = await reportAndCase({
      narrative: 'Die Vermieterin sagte MKNARR42 zu mir.',
      lifeArea: 'housing',
      grounds: ['ethnic_origin'],
      consentShare: true,
      contactChannel: 'email',
      contactEmail: 'reporter-secret@example.org',
      consentContact: true,
    });
    const created = await refer(first.caseId);
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ status: 'draft', sharedFields: ['grounds', 'life_area'] });
    referralId = created.json().id;
    // a draft is not visible to the partner
    expect((await users.paul.client.get(`/api/v1/partner/referrals/${referralId}`)).status).toBe(404);
    const sent = await users.anna.client.api('POST', `/api/v1/referrals/${referralId}/send`, {});
    expect(sent.status).toBe(200);
    expect(sent.json().status).toBe('sent');

    const list = (await users.paul.client.get('/api/v1/partner/referrals')).json() as { id: string }[];
    expect(list.map((r) => r.id)).toEqual([referralId]);
    const seen = await users.paul.client.get(`/api/v1/partner/referrals/${referralId}`);
    expect(seen.status).toBe(200);
    const view = seen.json();
    expect(view.shared).toEqual({ grounds: ['ethnic_origin'], life_area: 'housing' });
    expect(view.summary).toContain('SUMMARY77');
    expect(seen.body).not.toContain('MKNARR42');
    expect(seen.body).not.toContain('reporter-secret');
    expect(seen.body).not.toContain(first.caseId);
    expect(seen.body).not.toContain(first.reportId);
    expect(seen.body).not.toContain(first.reference);
    const page = await users.paul.client.get(`/partner/referrals/${referralId}`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('MKNARR42');

    expect(
      (
        await users.paul.client.api('POST', `/api/v1/partner/referrals/${referralId}/complete`, {
          outcome: 'settled',
        })
      ).status,
    ).toBe(409);
    expect(
      (await users.paul.client.api('POST', `/api/v1/partner/referrals/${referralId}/accept`)).status,
    ).toBe(204);
    expect(
      (
        await users.paul.client.api('POST', `/api/v1/partner/referrals/${referralId}/feedback`, {
          feedback: 'Erstgespräch war gut',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await users.paul.client.api('POST', `/api/v1/partner/referrals/${referralId}/complete`, {
          outcome: 'martian',
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await users.paul.client.api('POST', `/api/v1/partner/referrals/${referralId}/complete`, {
          outcome: 'settled',
        })
      ).status,
    ).toBe(204);
    const mine = (await users.anna.client.get(`/api/v1/referrals/${referralId}`)).json();
    expect(mine).toMatchObject({ status: 'completed', outcome: 'settled', feedback: 'Erstgespräch war gut' });
    expect(mine.acceptedAt).toBeTruthy();
    const audit = await owner((c) =>
      c.query(
        `SELECT action FROM audit_event WHERE entity_type = 'referral' AND entity_id = $1 ORDER BY id`,
        [referralId],
      ),
    );
    expect(audit.rows.map((r: { action: string }) => r.action)).toEqual(
      expect.arrayContaining([
        'referral.create',
        'referral.send',
        'referral.accept',
        'referral.feedback',
        'referral.complete',
        'referral.read',
      ]),
    );
    // the encrypted columns hold no plain text
    const raw = await owner((c) =>
      c.query(`SELECT summary, shared_data, feedback FROM referral WHERE id = $1`, [referralId]),
    );
    expect(
      Buffer.concat([raw.rows[0].summary, raw.rows[0].shared_data, raw.rows[0].feedback]).toString('latin1'),
    ).not.toMatch(/SUMMARY77|ethnic_origin|Erstgespräch/);
    // the subject access export of the case names the recipient and what was shared
    const exported = (await users.anna.client.get(`/api/v1/cases/${first.caseId}/export`)).json();
    expect(exported.referrals).toEqual([
      expect.objectContaining({
        id: referralId,
        status: 'completed',
        sharedFields: expect.any(Array),
        recipient: expect.any(String),
      }),
    ]);
    expect(exported.referrals[0].summary).toContain('SUMMARY77');
  });

  it('refuses a second open referral to the same partner for the same service (409)', async () => {
    const again = await refer(first.caseId); // the first one is completed, so this one is allowed
    expect(again.status).toBe(201);
    const twice = await refer(first.caseId);
    expect(twice.status).toBe(409);
    expect(twice.json().error.code).toBe('conflict');
    const other = await refer(first.caseId, { toOrganisationId: org('OBS') });
    expect(other.status).toBe(201);
    expect(
      (await users.anna.client.api('POST', `/api/v1/referrals/${again.json().id}/revoke`, {})).status,
    ).toBe(204);
    expect(
      (await users.anna.client.api('POST', `/api/v1/referrals/${other.json().id}/revoke`, {})).status,
    ).toBe(204);
  });

  it('refuses to send without the consent to share (409 saying how to ask)', async () => {
    const second = await reportAndCase({ narrative: 'Ohne Einwilligung MKNOCONS', consentShare: false });
    const created = await refer(second.caseId);
    expect(created.status).toBe(201);
    const sent = await users.anna.client.api('POST', `/api/v1/referrals/${created.json().id}/send`, {});
    expect(sent.status).toBe(409);
    expect(sent.json().error.message).toMatch(/nicht zugestimmt/);
    expect(sent.json().error.message).toMatch(/Postfach/);
    expect((await users.paul.client.get('/api/v1/partner/referrals')).json()).toHaveLength(1);
  });

  it('hides every referral route from another partner and another organisation (404, audited)', async () => {
    const routes = (await appRoutes(t)).filter((r) => /\/referrals\/:id/.test(r.url));
    expect(routes.length).toBeGreaterThanOrEqual(12);
    const before = await owner((c) =>
      c.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'referral.read_denied'`),
    );
    const bodies: Record<string, object> = {
      decline: { reason: 'x' },
      feedback: { feedback: 'x' },
      complete: { outcome: 'settled' },
    };
    for (const r of routes) {
      const url = r.url.replace(':id', referralId).replace(':action', 'accept');
      const outsider = r.roles?.includes('partner') ? users.petra.client : users.bea.client;
      const body = bodies[url.split('/').pop() ?? ''] ?? {};
      const res =
        r.method === 'GET'
          ? await outsider.get(url)
          : url.startsWith('/api/')
            ? await outsider.request(r.method, url, {
                json: body,
                headers: { 'x-csrf-token': outsider.csrf },
              })
            : await outsider.post(url, { reason: 'x', feedback: 'x', outcome: 'settled' });
      if (res.status !== 404) throw new Error(`${r.method} ${r.url} answered ${res.status} to an outsider`);
      // the officer never reaches a referral
      const officer =
        r.method === 'GET'
          ? await users.olga.client.get(url)
          : await users.olga.client.request(r.method, url, {
              json: body,
              headers: { 'x-csrf-token': users.olga.client.csrf },
            });
      if (officer.status !== 403)
        throw new Error(`${r.method} ${r.url} answered ${officer.status} to the officer`);
    }
    expect((await users.petra.client.get(`/api/v1/partner/referrals/${NOBODY}`)).status).toBe(404);
    expect((await users.petra.client.get('/api/v1/partner/referrals')).json()).toEqual([]);
    const after = await owner((c) =>
      c.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'referral.read_denied'`),
    );
    expect(after.rows[0].n - before.rows[0].n).toBeGreaterThanOrEqual(routes.length);
  }, 60_000);

  let reminderReferral: string;

  it('reminds the partner once when a referral stays unanswered, using the chosen clock', async () => {
    const created = await refer(first.caseId, {
      toOrganisationId: org('OBS'),
      serviceType: 'victim_support',
    });
    expect(created.status).toBe(201);
    reminderReferral = created.json().id;
    expect(
      (await users.anna.client.api('POST', `/api/v1/referrals/${reminderReferral}/send`, {})).status,
    ).toBe(200);
    const runAt = (asOf?: string) =>
      admin.api('POST', '/api/v1/admin/referrals/reminders/run', asOf ? { asOf } : {});
    expect((await runAt()).json()).toMatchObject({ reminded: 0 });
    const in8days = new Date(Date.now() + 8 * 86_400_000).toISOString();
    expect((await runAt(in8days)).json()).toMatchObject({ reminded: 1, emails: 1 });
    expect((await runAt(in8days)).json()).toMatchObject({ reminded: 0, emails: 0 });
    await sink.waitFor(1);
    for (
      let i = 0;
      i < 100 &&
      !sink.messages.some((m) => m.to.includes(users.petra.email) && /Antwort|answer/.test(m.subject ?? ''));
      i++
    )
      await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages.filter((m) => m.to.includes(users.petra.email)).map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/neue Verweisung|new referral/),
        expect.stringMatching(/Antwort|answer/),
      ]),
    );
  }, 60_000);

  it('sends e-mails about referrals without any content', async () => {
    const referralMails = sink.messages.filter((m) => /Verweisung|referral/i.test(m.subject ?? ''));
    expect(referralMails.length).toBeGreaterThanOrEqual(3);
    expect(referralMails.some((m) => m.to.includes(users.paul.email))).toBe(true);
    for (const m of referralMails) {
      expect(m.text).toContain('/login');
      for (const secret of [
        'MKNARR42',
        'SUMMARY77',
        'reporter-secret',
        'ethnic_origin',
        'housing',
        first.reference,
        first.caseId,
        referralId,
        reminderReferral,
      ])
        expect(m.raw).not.toContain(secret);
    }
  });

  it('revokes open referrals when the reporter withdraws the consent to share, and cancels the queued e-mail', async () => {
    // the partner's e-mail server is down: the e-mail stays queued
    await sink.stop();
    const third = await reportAndCase({ narrative: 'Widerruf MKWITHDRAW', consentShare: true });
    const created = await refer(third.caseId, { sharedFields: ['grounds'] });
    const id = created.json().id as string;
    expect((await users.anna.client.api('POST', `/api/v1/referrals/${id}/send`, {})).status).toBe(200);
    const queued = () =>
      owner((c) =>
        c.query(`SELECT completed_at, cancelled_at FROM outbox_message WHERE payload->>'referralId' = $1`, [
          id,
        ]),
      );
    expect((await queued()).rows).toHaveLength(1);
    expect((await queued()).rows[0].completed_at).toBeNull();
    expect((await users.paul.client.get(`/api/v1/partner/referrals/${id}`)).json().shared).toEqual({
      grounds: ['ethnic_origin'],
    });

    const session = (
      await new Client(t.url).request('POST', '/api/v1/mailbox/session', { json: { receipt: third.receipt } })
    ).json();
    const withdrawn = await new Client(t.url).request('POST', '/api/v1/mailbox/consents/share/withdraw', {
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(withdrawn.status).toBe(204);

    const after = (await queued()).rows[0];
    expect(after.cancelled_at).not.toBeNull();
    expect(after.completed_at).toBeNull();
    const seen = await users.paul.client.get(`/api/v1/partner/referrals/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.json()).toEqual({ id, status: 'revoked', revokedAt: expect.any(String) });
    expect(seen.body).not.toContain('SUMMARY77');
    const page = await users.paul.client.get(`/partner/referrals/${id}`);
    expect(page.body).toContain('zurückgezogen');
    expect(page.body).not.toContain('SUMMARY77');
    const mine = (await users.anna.client.get(`/api/v1/referrals/${id}`)).json();
    expect(mine).toMatchObject({
      status: 'revoked',
      revokeReason: 'consent_withdrawn',
      consentToShare: false,
    });
    // sending again needs a new consent
    const again = await refer(third.caseId);
    expect(
      (await users.anna.client.api('POST', `/api/v1/referrals/${again.json().id}/send`, {})).status,
    ).toBe(409);
    const audit = await owner((c) =>
      c.query(`SELECT actor_type FROM audit_event WHERE action = 'referral.revoke' AND entity_id = $1`, [id]),
    );
    expect(audit.rows).toEqual([{ actor_type: 'reporter' }]);
  }, 60_000);

  it('counts referrals by service, partner, status and outcome, without personal data', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const res = await users.olga.client.get(`/api/v1/referral-figures?from=2020-01-01&to=${today}`);
    expect(res.status).toBe(200);
    const f = res.json();
    expect(f.byStatus).toMatchObject({ completed: 1, sent: 1, revoked: 1 });
    expect(f.byServiceType).toMatchObject({ legal_aid: 2, victim_support: 1 });
    expect(f.byOutcome).toMatchObject({ settled: 1 });
    expect(f.daysToAcceptance.accepted).toBe(1);
    expect(f.daysToAcceptance.median).not.toBeNull();
    expect(res.body).not.toMatch(/MKNARR42|SUMMARY77|Erstgespräch/);
    expect((await users.anna.client.get(`/api/v1/referral-figures?from=2020-01-01&to=${today}`)).status).toBe(
      403,
    );
  });
});
