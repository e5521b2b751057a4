import { generate } from 'otplib';
import type { RunningApp } from '../support/app.js';
import { startApp } from '../support/app.js';
import { Client } from '../support/client.js';
import { validReport } from '../support/report-form.js';
import { firstAdmin } from './support/world.js';

const SESSION = 'anl_sid';
const MAILBOX = 'anl_mbx';

/** A client with its own client address (the app runs with TRUST_PROXY, so throttles are per address). */
let nextAddress = 10;
const fromNewAddress = (t: RunningApp) =>
  new Client(t.url, { 'x-forwarded-for': `198.51.100.${nextAddress++}` });

/**
 * Guessing and session handling: receipt and staff login guessing throttled (also for the right
 * answer once the limit is reached), session fixation, session reuse after logout and after a password
 * change, TOTP code reuse.
 */
describe('security: sessions and guessing', () => {
  let t: RunningApp;
  let admin: Client;
  let receipt: string;
  const users: Record<string, { email: string; password: string; secret: string; client: Client }> = {};

  /** An account with a second factor and its own password; returns what is needed to log in again. */
  async function account(key: string, role: string) {
    const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { id: string }[];
    const created = (
      await admin.api('POST', '/api/v1/admin/users', {
        organisationId: orgs[0].id,
        email: `${key}@example.org`,
        displayName: key,
        role,
      })
    ).json();
    const c = fromNewAddress(t);
    const { secret } = await c.login(`${key}@example.org`, created.oneTimePassword);
    const password = `${key} passphrase long`;
    await c.post('/account/password', { currentPassword: created.oneTimePassword, newPassword: password });
    await c.get('/staff');
    users[key] = { email: `${key}@example.org`, password, secret: secret!, client: c };
  }

  /**
   * Password and second factor through the pages. The enrolment used the current time step and a step
   * is never accepted twice, so each account logs in once more with the next step's code.
   */
  async function login(key: string, c = fromNewAddress(t)) {
    const u = users[key];
    await c.get('/login');
    const first = await c.post('/login', { email: u.email, password: u.password });
    expect(first.status).toBe(303);
    expect(first.location).toBe('/login/mfa');
    await c.get('/login/mfa');
    const code = await generate({ secret: u.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const done = await c.post('/login/mfa', { code });
    return { c, done, code };
  }

  beforeAll(async () => {
    t = await startApp({ TRUST_PROXY: 'true', INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    admin = await firstAdmin(t);
    await account('carla', 'counsellor');
    await account('dora', 'counsellor');
    for (const key of ['emil', 'fred', 'gina', 'hans', 'ida']) await account(key, 'counsellor');
    const res = await new Client(t.url).request('POST', '/api/v1/reports', {
      json: { ...validReport(), consentStore: true },
    });
    receipt = res.json().receipt;
  }, 180_000);
  afterAll(() => t?.close());

  it('throttles receipt guessing on the page and the API, and then refuses even the right receipt', async () => {
    const page = fromNewAddress(t);
    await page.get('/follow-up');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await page.post('/follow-up', { receipt: `1111-2222-3333-${1000 + i}` })).status);
    expect(statuses).toEqual(Array(10).fill(401));
    const blocked = await page.post('/follow-up', { receipt });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.getSetCookie().some((c) => c.startsWith(`${MAILBOX}=`))).toBe(false);

    const api = fromNewAddress(t);
    const apiStatuses: number[] = [];
    for (let i = 0; i < 10; i++)
      apiStatuses.push(
        (
          await api.request('POST', '/api/v1/mailbox/session', {
            json: { receipt: `9999-8888-7777-${1000 + i}` },
          })
        ).status,
      );
    expect(apiStatuses).toEqual(Array(10).fill(401));
    const apiBlocked = await api.request('POST', '/api/v1/mailbox/session', { json: { receipt } });
    expect(apiBlocked.status).toBe(429);
    expect(apiBlocked.body).not.toContain('token');
  }, 120_000);

  it('throttles staff login guessing per login name, and then refuses even the right password', async () => {
    for (const [path, asJson] of [
      ['/login', false],
      ['/api/v1/auth/login', true],
    ] as const) {
      const key = asJson ? 'dora' : 'carla';
      const c = fromNewAddress(t);
      await c.get('/login');
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const body = { email: users[key].email, password: `wrong guess ${i}` };
        const res = asJson ? await c.request('POST', path, { json: body }) : await c.post(path, body);
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.at(-1)).toBe(429);
      const right = { email: users[key].email, password: users[key].password };
      const res = asJson ? await c.request('POST', path, { json: right }) : await c.post(path, right);
      expect(res.status).toBe(429);
      expect(res.headers.getSetCookie().some((x) => x.startsWith(`${SESSION}=`))).toBe(false);
      // a new address does not help: the back-off belongs to the login name
      const elsewhere = fromNewAddress(t);
      await elsewhere.get('/login');
      expect((await elsewhere.post('/login', right)).status).toBe(429);
    }
  }, 120_000);

  it('changes the session id at login and after the second factor; a planted session id is worthless', async () => {
    const c = fromNewAddress(t);
    const planted = 'a'.repeat(43);
    c.cookies.set(SESSION, planted);
    await c.get('/login');
    const first = await c.post('/login', { email: users.emil.email, password: users.emil.password });
    expect(first.status).toBe(303);
    const afterPassword = c.cookies.get(SESSION)!;
    expect(afterPassword).toBeDefined();
    expect(afterPassword).not.toBe(planted);
    await c.get('/login/mfa');
    const code = await generate({ secret: users.emil.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await c.post('/login/mfa', { code })).status).toBe(303);
    const afterMfa = c.cookies.get(SESSION)!;
    expect(afterMfa).not.toBe(afterPassword);
    expect((await c.get('/api/v1/me')).status).toBe(200);
    for (const old of [planted, afterPassword]) {
      const replay = fromNewAddress(t);
      replay.cookies.set(SESSION, old);
      expect((await replay.get('/api/v1/me')).status).toBe(401);
    }
    // the reporter's mailbox: a planted mailbox cookie is replaced at login
    const r = fromNewAddress(t);
    r.cookies.set(MAILBOX, planted);
    await r.get('/follow-up');
    expect((await r.post('/follow-up', { receipt })).status).toBe(303);
    expect(r.cookies.get(MAILBOX)).not.toBe(planted);
    const replay = fromNewAddress(t);
    replay.cookies.set(MAILBOX, planted);
    expect((await replay.get('/follow-up/mailbox')).status).toBe(303);
  }, 120_000);

  it('refuses a session after logout, for pages, the API and the mailbox', async () => {
    const { c } = await login('fred');
    const pageSession = c.cookies.get(SESSION)!;
    expect((await c.get('/staff')).status).toBe(200);
    expect((await c.post('/logout')).status).toBe(303);
    const replay = fromNewAddress(t);
    replay.cookies.set(SESSION, pageSession);
    expect((await replay.get('/staff')).status).toBe(303);
    expect((await replay.get('/api/v1/me')).status).toBe(401);

    const { c: api } = await login('gina');
    const apiSession = api.cookies.get(SESSION)!;
    await api.get('/staff');
    expect((await api.api('POST', '/api/v1/auth/logout')).status).toBeLessThan(300);
    const replay2 = fromNewAddress(t);
    replay2.cookies.set(SESSION, apiSession);
    expect((await replay2.get('/api/v1/me')).status).toBe(401);

    const r = fromNewAddress(t);
    await r.get('/follow-up');
    expect((await r.post('/follow-up', { receipt })).status).toBe(303);
    const box = r.cookies.get(MAILBOX)!;
    await r.get('/follow-up/mailbox');
    expect((await r.post('/follow-up/logout')).status).toBe(303);
    const replay3 = fromNewAddress(t);
    replay3.cookies.set(MAILBOX, box);
    const again = await replay3.get('/follow-up/mailbox');
    expect(again.status).toBe(303);
    expect(again.location).toMatch(/^\/follow-up/);

    const token = (
      await fromNewAddress(t).request('POST', '/api/v1/mailbox/session', { json: { receipt } })
    ).json().token as string;
    const auth = { authorization: `Bearer ${token}` };
    const b = fromNewAddress(t);
    expect((await b.request('GET', '/api/v1/mailbox', { headers: auth })).status).toBe(200);
    expect((await b.request('DELETE', '/api/v1/mailbox/session', { headers: auth })).status).toBeLessThan(
      300,
    );
    expect((await b.request('GET', '/api/v1/mailbox', { headers: auth })).status).toBe(401);
  }, 120_000);

  it('ends every session of the account at a password change, the one used for it included', async () => {
    const one = users.hans.client;
    const { c: two } = await login('hans');
    expect((await one.get('/api/v1/me')).status).toBe(200);
    const before = one.cookies.get(SESSION)!;
    expect((await two.get('/api/v1/me')).status).toBe(200);
    await one.get('/account/password');
    const changed = await one.post('/account/password', {
      currentPassword: users.hans.password,
      newPassword: 'hans new passphrase long',
    });
    expect(changed.status).toBe(303);
    expect((await two.get('/api/v1/me')).status).toBe(401);
    expect((await two.get('/staff')).status).toBe(303);
    const replay = fromNewAddress(t);
    replay.cookies.set(SESSION, before);
    expect((await replay.get('/api/v1/me')).status).toBe(401);
    // the old password is gone too
    const old = fromNewAddress(t);
    await old.get('/login');
    expect(
      (await old.post('/login', { email: users.hans.email, password: 'hans passphrase long' })).status,
    ).toBe(401);
  }, 120_000);

  it('refuses a TOTP code that was already used, in the pages and the API', async () => {
    const { done, code } = await login('ida');
    expect(done.status).toBe(303);
    const again = fromNewAddress(t);
    await again.get('/login');
    await again.post('/login', { email: users.ida.email, password: users.ida.password });
    await again.get('/login/mfa');
    const reused = await again.post('/login/mfa', { code });
    expect(reused.status).toBe(401);
    expect((await again.get('/api/v1/me')).status).toBe(401);
    // an earlier step than the last one used is refused as well
    const older = await generate({ secret: users.ida.secret, epoch: Math.floor(Date.now() / 1000) });
    expect((await again.post('/login/mfa', { code: older })).status).toBe(401);
    // the API: password, then the same code once more
    const api = fromNewAddress(t);
    const first = await api.request('POST', '/api/v1/auth/login', {
      json: { email: users.ida.email, password: users.ida.password },
    });
    expect(first.status).toBeLessThan(300);
    api.csrf = first.json().csrfToken;
    const mfa = await api.api('POST', '/api/v1/auth/mfa', { code });
    expect(mfa.status).toBe(401);
    expect((await api.get('/api/v1/me')).status).toBe(401);
  }, 120_000);
});
