import { generate } from 'otplib';
import pg from 'pg';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { withOwner } from './support/fixtures.js';

/**
 * Staff accounts end to end against the running app: first admin, login, TOTP enrolment, password
 * change, session rotation and expiry, CSRF, roles, throttling, settings, and what reaches the logs.
 */
describe('staff login and sessions', () => {
  let t: RunningApp;
  let admin: Client;
  let adminSecret: string;
  let recoveryCodes: string[];
  const adminPassword = 'a long and new admin passphrase';

  const owner = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withOwner(t.db.ownerUrl, fn);

  // behind a proxy: the client address arrives in X-Forwarded-For and must never be logged
  const CLIENT_IP = '203.0.113.77';
  const client = () =>
    new Client(t.url, { 'x-forwarded-for': CLIENT_IP, 'user-agent': 'Mozilla/5.0 (Probe-UA)' });

  beforeAll(async () => {
    t = await startApp({ TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  it('prints the first admin with a one-time password on first start, never into the log lines', () => {
    expect(t.admin.email).toBe('admin@example.org');
    expect(t.admin.password).toMatch(/^[A-Za-z0-9]{20}$/);
    const jsonLines = t.output.filter((l) => l.startsWith('{'));
    expect(jsonLines.some((l) => l.includes(t.admin.password))).toBe(false);
  });

  it('answers a wrong password and an unknown account the same way, in the page language', async () => {
    const c = client();
    await c.get('/login?lang=en');
    const wrong = await c.post('/login', { email: t.admin.email, password: 'wrong password' });
    const unknown = await c.post('/login', { email: 'nobody@example.org', password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toContain('E-mail address or password is not correct.');
    expect(unknown.body).toContain('E-mail address or password is not correct.');
    expect(wrong.body).toContain('value="admin@example.org"'); // what was typed is kept
    const api = client();
    const a = await api.request('POST', '/api/v1/auth/login', {
      json: { email: t.admin.email, password: 'x' },
    });
    const b = await api.request('POST', '/api/v1/auth/login', {
      json: { email: 'nobody@example.org', password: 'x' },
    });
    expect(a.status).toBe(401);
    expect(a.json()).toEqual(b.json());
    expect(a.json()).toEqual({
      error: {
        status: 401,
        code: 'invalid_credentials',
        message: 'E-Mail-Adresse oder Passwort sind nicht richtig.',
      },
    });
  });

  it('makes the admin enrol TOTP, then change the one-time password, rotating the session each time', async () => {
    const c = client();
    await c.get('/login');
    const res = await c.post('/login', { email: t.admin.email, password: t.admin.password });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/login/mfa/setup');
    const preMfaSession = c.cookies.get('anl_sid')!;

    // nothing else is reachable before the second factor
    const staffPage = await c.get('/staff');
    expect(staffPage.status).toBe(303);
    expect(staffPage.location).toBe('/login/mfa');
    const me = await c.get('/api/v1/me');
    expect(me.status).toBe(401);
    expect(me.json().error.code).toBe('mfa_required');

    const setup = await c.get('/login/mfa/setup');
    expect(setup.body).toContain('<svg'); // QR code rendered locally, no third party
    const shown = /class="receipt-code" dir="ltr">([A-Z2-7 ]+)</.exec(setup.body)![1];
    adminSecret = shown.replace(/ /g, '');
    expect((await c.get('/login/mfa/setup')).body).toContain(shown); // a reload keeps the secret

    const bad = await c.post('/login/mfa/setup', { code: '000000' });
    expect(bad.status).toBe(401);
    expect(bad.body).toContain('Der Code ist nicht gültig');

    const ok = await c.post('/login/mfa/setup', { code: await generate({ secret: adminSecret }) });
    expect(ok.status).toBe(200);
    recoveryCodes = [...ok.body.matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map((m) => m[1]);
    expect(recoveryCodes).toHaveLength(10);
    expect(c.cookies.get('anl_sid')).not.toBe(preMfaSession);

    const stale = client();
    stale.cookies.set('anl_sid', preMfaSession);
    expect((await stale.get('/api/v1/me')).status).toBe(401);

    // the one-time password: everything else waits until it is changed
    const redirected = await c.get('/staff');
    expect(redirected.status).toBe(303);
    expect(redirected.location).toBe('/account/password');
    await c.get('/account/password');
    const weak = await c.post('/account/password', {
      currentPassword: t.admin.password,
      newPassword: 'short',
    });
    expect(weak.status).toBe(422);
    expect(weak.body).toContain('error-summary');
    expect(weak.body).toContain('href="#newPassword"');
    const changed = await c.post('/account/password', {
      currentPassword: t.admin.password,
      newPassword: adminPassword,
    });
    expect(changed.status).toBe(303);
    expect((await c.get('/staff')).status).toBe(200);
    admin = c;
  });

  it('refuses a TOTP code that was already used, and accepts a recovery code only once', async () => {
    const used = await generate({ secret: adminSecret });
    const c = client();
    await c.get('/login');
    await c.post('/login', { email: t.admin.email, password: adminPassword });
    await c.get('/login/mfa');
    const reused = await c.post('/login/mfa', { code: used });
    expect(reused.status).toBe(401);
    expect(reused.body).toContain('schon benutzt');

    const ok = await c.post('/login/mfa', { code: recoveryCodes[0].toUpperCase().replace('-', ' ') });
    expect(ok.status).toBe(303);
    expect((await c.get('/staff')).status).toBe(200);

    const again = client();
    await again.get('/login');
    await again.post('/login', { email: t.admin.email, password: adminPassword });
    await again.get('/login/mfa');
    expect((await again.post('/login/mfa', { code: recoveryCodes[0] })).status).toBe(401);
  });

  it('ends the session at logout: the old cookie is worthless afterwards', async () => {
    const c = client();
    await c.get('/login');
    await c.post('/login', { email: t.admin.email, password: adminPassword });
    await c.get('/login/mfa');
    expect((await c.post('/login/mfa', { code: recoveryCodes[1] })).status).toBe(303);
    const cookie = c.cookies.get('anl_sid')!;
    expect((await c.get('/admin/users')).status).toBe(200);
    expect((await c.post('/logout')).status).toBe(303);
    const replay = client();
    replay.cookies.set('anl_sid', cookie);
    expect((await replay.get('/admin/users')).status).toBe(303);
    expect((await replay.get('/api/v1/me')).status).toBe(401);
  });

  it('refuses state changes without the CSRF token or from another site', async () => {
    await admin.get('/admin/organisations');
    const form = { name: 'X', code: 'XX', kind: 'counselling' };
    const noToken = await admin.request('POST', '/admin/organisations', {
      form,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('Formular ist abgelaufen');
    expect((await admin.post('/admin/organisations', form, { 'sec-fetch-site': 'cross-site' })).status).toBe(
      403,
    );
    expect(
      (
        await admin.post('/admin/organisations', form, {
          origin: 'https://evil.example',
          'sec-fetch-site': 'cross-site',
        })
      ).status,
    ).toBe(403);
    // an old browser without Sec-Fetch-Site: a foreign Origin is refused even with the right token
    const noFetchMeta = await admin.request('POST', '/admin/organisations', {
      form: { _csrf: admin.csrf, ...form },
      headers: { origin: 'https://evil.example' },
    });
    expect(noFetchMeta.status).toBe(403);
    const json = await admin.request('POST', '/api/v1/admin/organisations', { json: form });
    expect(json.status).toBe(403);
    expect(json.json().error.code).toBe('csrf');
    // a public form post without the double-submit token
    const anon = client();
    await anon.get('/login');
    const forged = await anon.request('POST', '/login', { form: { email: 'a@b.c', password: 'x' } });
    expect(forged.status).toBe(403);
    const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { code: string }[];
    expect(orgs.some((o) => o.code === 'XX')).toBe(false);
    // what a real browser sends under the no-referrer policy: Origin null, Sec-Fetch-Site same-origin
    await admin.get('/admin/organisations');
    const browserLike = await admin.post(
      '/admin/organisations',
      { name: 'Browser', code: 'BRW', kind: 'counselling' },
      { origin: 'null' },
    );
    expect(browserLike.status).toBe(303);
  });

  it('creates organisations and users; bad input re-renders the form with messages and keeps it', async () => {
    await admin.get('/admin/organisations');
    const bad = await admin.post('/admin/organisations', {
      name: 'Beratung Nord',
      code: 'toolong1',
      kind: 'counselling',
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('value="Beratung Nord"');
    expect(bad.body).toContain('href="#code"');
    expect(
      (await admin.post('/admin/organisations', { name: 'Beratung Nord', code: 'BNO', kind: 'counselling' }))
        .status,
    ).toBe(303);
    expect(
      (await admin.post('/admin/organisations', { name: 'Again', code: 'bno', kind: 'counselling' })).status,
    ).toBe(409);

    const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { id: string; code: string }[];
    const bno = orgs.find((o) => o.code === 'BNO')!;
    await admin.get('/admin/users');
    const created = await admin.post('/admin/users', {
      displayName: 'Bea Beraterin',
      email: 'Bea@Example.org',
      organisationId: bno.id,
      role: 'counsellor',
    });
    expect(created.status).toBe(200);
    const otp = /class="receipt-code" dir="ltr">([A-Za-z0-9]+)</.exec(created.body)![1];
    expect(otp).toHaveLength(20);

    const counsellor = client();
    const { location } = await counsellor.login('bea@example.org', otp);
    expect(location).toBe('/account/password');
    expect(
      (
        await counsellor.post('/account/password', {
          currentPassword: otp,
          newPassword: 'bea has a long password',
        })
      ).status,
    ).toBe(303);
    expect((await counsellor.get('/staff')).status).toBe(200);
    expect((await counsellor.get('/admin/users')).status).toBe(403);
    expect((await counsellor.get('/api/v1/admin/users')).status).toBe(403);
    expect((await counsellor.get('/api/v1/settings')).status).toBe(403);
  });

  it('lets officers in without a second factor, but nowhere beyond their role', async () => {
    const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { id: string }[];
    const created = await admin.api('POST', '/api/v1/admin/users', {
      organisationId: orgs[0].id,
      email: 'officer@example.org',
      displayName: 'O',
      role: 'officer',
    });
    expect(created.status).toBe(201);
    const otp = created.json().oneTimePassword as string;
    const officer = client();
    expect((await officer.login('officer@example.org', otp)).location).toBe('/account/password');
    expect(
      (
        await officer.post('/account/password', {
          currentPassword: otp,
          newPassword: 'officer password 1234',
        })
      ).status,
    ).toBe(303);
    expect((await officer.get('/staff')).status).toBe(200);
    expect((await officer.get('/admin/organisations')).status).toBe(403);

    // disabling the account ends its sessions at once
    const users = (await admin.get('/api/v1/admin/users')).json() as { id: string; email: string }[];
    const id = users.find((u) => u.email === 'officer@example.org')!.id;
    expect((await admin.api('POST', `/api/v1/admin/users/${id}/disable`)).status).toBe(204);
    expect((await officer.get('/staff')).status).toBe(303);
    expect((await admin.api('POST', `/api/v1/admin/users/${id}/enable`)).status).toBe(204);
  });

  it('changes settings with validation and an audit entry', async () => {
    await admin.get('/admin/settings');
    const tooLow = await admin.post('/admin/settings/statistics.suppression_threshold', { value: '2' });
    expect(tooLow.status).toBe(422);
    expect(tooLow.body).toContain('ganze Zahl im erlaubten Bereich');
    expect(
      (await admin.post('/admin/settings/statistics.suppression_threshold', { value: '7' })).status,
    ).toBe(303);
    const list = (await admin.get('/api/v1/settings')).json() as { key: string }[];
    expect(list.find((s) => s.key === 'statistics.suppression_threshold')).toMatchObject({
      value: 7,
      default: 5,
      isDefault: false,
    });
    const put = await admin.api('PUT', '/api/v1/settings/reminders.deadline_days', { value: [3, 14, 14] });
    expect(put.status).toBe(200);
    expect(put.json().value).toEqual([14, 3]);
    expect((await admin.api('PUT', '/api/v1/settings/nope', { value: 1 })).status).toBe(404);
    const badDistricts = await admin.api('PUT', '/api/v1/settings/intake.districts', {
      value: [{ code: 'Mitte!' }],
    });
    expect(badDistricts.status).toBe(422);
    expect(badDistricts.json().error.fields[0].field).toBe('intake.districts');
    const rows = await owner((c) =>
      c.query(`SELECT entity_id FROM audit_event WHERE action = 'setting.change' ORDER BY id`),
    );
    expect(rows.rows.map((r) => r.entity_id)).toEqual([
      'statistics.suppression_threshold',
      'reminders.deadline_days',
    ]);
  });

  it('throttles repeated failures for existing and unknown accounts alike', async () => {
    const c = client();
    await c.get('/login');
    const ghost: number[] = [];
    for (let i = 0; i < 7; i++)
      ghost.push((await c.post('/login', { email: 'ghost@example.org', password: `guess ${i}` })).status);
    const real: number[] = [];
    for (let i = 0; i < 7; i++)
      real.push((await c.post('/login', { email: 'officer@example.org', password: `guess ${i}` })).status);
    expect(ghost.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(ghost.at(-1)).toBe(429);
    expect(real).toEqual(ghost);
    const blocked = await c.post('/login', {
      email: 'officer@example.org',
      password: 'officer password 1234',
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toContain('Zu viele Fehlversuche');
    await owner((p) => p.query('DELETE FROM login_throttle'));
  });

  it('expires idle sessions server-side', async () => {
    const c = client();
    await c.login('officer@example.org', 'officer password 1234');
    expect((await c.get('/staff')).status).toBe(200);
    await owner((p) => p.query(`UPDATE staff_session SET last_seen_at = now() - interval '31 minutes'`));
    const after = await c.get('/staff');
    expect(after.status).toBe(303);
    expect(after.location).toMatch(/^\/login/);
  });

  it('keeps the audit chain intact and append-only for the app role', async () => {
    const app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
    await expect(app.query('DELETE FROM audit_event')).rejects.toThrow(/permission denied/);
    await expect(app.query(`UPDATE audit_event SET action = 'x'`)).rejects.toThrow(/permission denied/);
    await app.end();
    const actions = await owner((c) => c.query(`SELECT action FROM audit_event ORDER BY id`));
    expect(actions.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'user.create',
        'auth.login_password',
        'auth.mfa_enrolled',
        'auth.password_changed',
        'auth.logout',
        'user.disable',
      ]),
    );
  });

  it('keeps passwords, cookies, e-mail addresses and client addresses out of the logs', () => {
    const logLines = t.output.filter((l) => l.startsWith('{')).join('\n');
    expect(logLines).toContain('"route":"/login"');
    for (const secret of [
      adminPassword,
      'officer password 1234',
      'anl_sid',
      'bea@example.org',
      CLIENT_IP,
      'Probe-UA',
    ]) {
      expect(logLines).not.toContain(secret);
    }
  });
});
