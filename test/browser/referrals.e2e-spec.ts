import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../support/app.js';
import { axeViolations, formatSerious } from '../support/axe.js';
import {
  browserLogin,
  fact,
  follow,
  launchBrowser,
  newPhonePage,
  recordRequests,
  screenshot,
  type RequestRecorder,
} from '../support/browser.js';
import { Client } from '../support/client.js';
import { validReport } from '../support/report-form.js';
import { createPartnerOrganisation, firstAdmin } from '../support/fixtures.js';

/**
 * The referral flow once through a real browser (Debian Chromium, 360 px phone, JavaScript off):
 * organisations, the partner profile, users, a report with the consent to share and its case are set
 * up over HTTP (as in test/referrals.e2e-spec.ts); then the counsellor logs in through the forms (TOTP),
 * opens the case, follows "refer", fills and saves the referral and sends it; the partner logs in in a
 * context of its own, finds the referral in its list, sees the one shared field and not the narrative,
 * accepts and completes it with an outcome; the counsellor's referral page shows the new status.
 * Every referral page visited: a screenshot (test-artifacts/screenshots/referrals-*.png), no serious or
 * critical axe finding, no request to another origin.
 */
jest.setTimeout(60_000);

const NARRATIVE_MARKER = 'MKBRNARR31';
const SUMMARY_MARKER = 'BRSUMMARY64';

describe('referral flow in a real browser', () => {
  let t: RunningApp;
  let browser: Browser;
  let orgs: { id: string; code: string }[];
  const org = (code: string) => orgs.find((o) => o.code === code)!.id;
  const users: Record<string, { email: string; password: string; secret: string; client: Client }> = {};
  let caseId: string;
  let referralId: string;
  let shot = 0;

  async function makeUser(admin: Client, key: string, orgCode: string, role: string) {
    const email = `${key}@example.org`;
    const created = (
      await admin.api('POST', '/api/v1/admin/users', {
        organisationId: org(orgCode),
        email,
        displayName: key,
        role,
      })
    ).json();
    const client = new Client(t.url);
    const { secret } = await client.login(email, created.oneTimePassword);
    const password = `${key} passphrase long`;
    await client.post('/account/password', {
      currentPassword: created.oneTimePassword,
      newPassword: password,
    });
    await client.get('/staff');
    users[key] = { email, password, secret: secret!, client };
  }

  /** Screenshot, axe and the origin check on the page as shown; returns the problems found. */
  async function inspect(page: Page, requests: RequestRecorder, name: string): Promise<string[]> {
    const label = `${name} (${new URL(page.url()).pathname})`;
    await screenshot(page, `referrals-${String(++shot).padStart(2, '0')}-${name}`);
    const problems = requests.foreign(t.url).map((u) => `${label}: request left the origin: ${u}`);
    requests.clear();
    problems.push(...formatSerious(await axeViolations(page), label));
    return problems;
  }

  beforeAll(async () => {
    t = await startApp({ INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    const admin = await firstAdmin(t, 'browser referrals admin passphrase');
    await createPartnerOrganisation(
      admin,
      { name: 'Rechtshilfe', code: 'RHS' },
      {
        services: ['legal_aid', 'migration_counselling'],
        languages: ['de', 'ar'],
        districts: ['mitte'],
        takesReferrals: true,
        capacity: 'waiting_list',
        published: true,
      },
    );
    orgs = (await admin.get('/api/v1/admin/organisations')).json();
    await makeUser(admin, 'anna', 'SZI', 'counsellor');
    await makeUser(admin, 'paul', 'RHS', 'partner');

    const report = await new Client(t.url).request('POST', '/api/v1/reports', {
      json: {
        ...validReport(),
        narrative: `Die Vermieterin sagte ${NARRATIVE_MARKER} zu mir.`,
        lifeArea: 'housing',
        grounds: ['ethnic_origin'],
        consentStore: true,
        consentShare: true,
      },
    });
    expect(report.status).toBe(201);
    const anna = users.anna.client;
    const inbox = (await anna.get('/api/v1/inbox')).json() as { id: string }[];
    expect(inbox).toHaveLength(1);
    const opened = await anna.api('POST', `/api/v1/inbox/${inbox[0].id}/open`);
    expect(opened.status).toBe(201);
    caseId = opened.json().id;

    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  let counsellor: Page;
  let counsellorRequests: RequestRecorder;

  it('the counsellor logs in, follows "refer" from the case, saves the referral and sends it', async () => {
    counsellor = await newPhonePage(browser, { lang: 'en-GB' });
    counsellorRequests = recordRequests(counsellor);
    await browserLogin(counsellor, t.url, users.anna);

    const res = await counsellor.goto(`${t.url}/staff/cases/${caseId}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const problems = await inspect(counsellor, counsellorRequests, 'case');

    await follow(counsellor, `a[href="/staff/referrals/new?caseId=${caseId}"]`, /^\/staff\/referrals\/new$/);
    expect(await counsellor.textContent('h1')).toContain('Refer case');
    // nothing is ticked in advance
    expect(await counsellor.locator('input[name="sharedFields"]:checked').count()).toBe(0);
    problems.push(...(await inspect(counsellor, counsellorRequests, 'new')));

    await counsellor.selectOption('#toOrganisationId', org('RHS'));
    await counsellor.selectOption('#serviceType', 'legal_aid');
    await counsellor.check('#sf-life_area');
    await counsellor.fill('#summary', `Bitte Beratung zum AGG ${SUMMARY_MARKER}`);
    await follow(
      counsellor,
      'form[action="/staff/referrals"] button[type="submit"]',
      /^\/staff\/referrals\/[0-9a-f-]{36}$/,
    );
    referralId = new URL(counsellor.url()).pathname.split('/').pop()!;
    expect(await counsellor.locator('.error-summary').count()).toBe(0);
    expect(await fact(counsellor, 'Status')).toBe('Draft');
    expect(await fact(counsellor, 'Shared')).toBe('Life area');
    expect(await fact(counsellor, 'Summary')).toContain(SUMMARY_MARKER);
    problems.push(...(await inspect(counsellor, counsellorRequests, 'draft')));

    await follow(
      counsellor,
      `form[action="/staff/referrals/${referralId}/send"] button[type="submit"]`,
      new RegExp(`^/staff/referrals/${referralId}$`),
    );
    expect(await counsellor.locator('.error-summary').count()).toBe(0);
    expect(await fact(counsellor, 'Status')).toBe('Sent');
    expect(await counsellor.locator(`form[action="/staff/referrals/${referralId}/send"]`).count()).toBe(0);
    problems.push(...(await inspect(counsellor, counsellorRequests, 'sent')));
    expect(problems).toEqual([]);
  });

  it('the partner logs in, opens the referral, sees only the shared field, accepts and completes it', async () => {
    const partner = await newPhonePage(browser, { lang: 'en-GB' }); // a context (cookies) of its own
    const requests = recordRequests(partner);
    await browserLogin(partner, t.url, users.paul);

    const res = await partner.goto(`${t.url}/partner/referrals`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await partner.locator('a[href^="/partner/referrals/"]').count()).toBe(1);
    const problems = await inspect(partner, requests, 'partner-list');

    await follow(
      partner,
      `a[href="/partner/referrals/${referralId}"]`,
      new RegExp(`^/partner/referrals/${referralId}$`),
    );
    expect(await fact(partner, 'Status')).toBe('Sent');
    expect(await fact(partner, 'Summary')).toContain(SUMMARY_MARKER);
    expect(await fact(partner, 'Life area')).toBe('Housing');
    expect(await fact(partner, 'Grounds')).toBeNull(); // not ticked, so not shared
    const body = await partner.content();
    expect(body).not.toContain(NARRATIVE_MARKER);
    expect(body).not.toContain(caseId);
    problems.push(...(await inspect(partner, requests, 'partner-sent')));

    await follow(
      partner,
      `form[action="/partner/referrals/${referralId}/accept"] button[type="submit"]`,
      new RegExp(`^/partner/referrals/${referralId}$`),
    );
    expect(await partner.locator('.error-summary').count()).toBe(0);
    expect(await fact(partner, 'Status')).toBe('Accepted');
    problems.push(...(await inspect(partner, requests, 'partner-accepted')));

    await partner.selectOption('#outcome', 'settled');
    await follow(
      partner,
      `form[action="/partner/referrals/${referralId}/complete"] button[type="submit"]`,
      new RegExp(`^/partner/referrals/${referralId}$`),
    );
    expect(await partner.locator('.error-summary').count()).toBe(0);
    expect(await fact(partner, 'Status')).toBe('Completed');
    expect(await fact(partner, 'Outcome')).toBe('Amicable settlement');
    expect(await partner.content()).not.toContain(NARRATIVE_MARKER);
    problems.push(...(await inspect(partner, requests, 'partner-completed')));
    await partner.context().close();
    expect(problems).toEqual([]);
  });

  it("the counsellor's referral page shows the completed status and the outcome", async () => {
    const res = await counsellor.goto(`${t.url}/staff/referrals/${referralId}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await fact(counsellor, 'Status')).toBe('Completed');
    expect(await fact(counsellor, 'Outcome')).toBe('Amicable settlement');
    expect(await fact(counsellor, 'Accepted')).toBeTruthy();
    // a completed referral can no longer be sent or revoked
    expect(await counsellor.locator('form[action^="/staff/referrals/"]').count()).toBe(0);
    expect(await inspect(counsellor, counsellorRequests, 'completed')).toEqual([]);
  });
});
