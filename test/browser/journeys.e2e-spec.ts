import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Browser, BrowserContext, Download, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { PROJECT_ROOT } from '../../src/common/paths.js';
import { berlinToday, periodFromCode } from '../../src/modules/statistics/period.js';
import { startApp, type RunningApp } from '../support/app.js';
import { axeViolations, formatSerious, writeAxeReport } from '../support/axe.js';
import {
  browserLogin,
  fact,
  follow,
  htmlLangDir,
  launchBrowser,
  newPhonePage,
  recordRequests,
  type RequestRecorder,
} from '../support/browser.js';
import { createPartnerOrganisation, createStaffUser, firstAdmin } from '../support/fixtures.js';

/**
 * One connected journey through the whole system in a real browser (Debian Chromium, the pages'
 * JavaScript OFF everywhere — the public pages promise to work without it, and the staff pages are
 * server-rendered forms too):
 *
 *  1. a reporter on a phone switches the home page to Arabic with the language picker (right to left)
 *     and files a report with a photo carrying EXIF GPS data, ticking the consent to referral
 *     proposals, and gets the receipt;
 *  2. a counsellor logs in (password + TOTP), finds the report in the inbox, reads it, downloads the
 *     photo (no EXIF/GPS left), opens a case (triage), moves it to "in counselling", classifies it,
 *     adds a task, replies through the mailbox and refers the case to a partner;
 *  3. the reporter, on another visit, logs in with the receipt and reads the reply in Arabic;
 *  4. the partner logs in (TOTP) and accepts the referral;
 *  5. the officer requests the quarterly PDF for the CURRENT quarter (parsePeriod admits the running
 *     quarter, so the report received today falls into it — no back-dating needed), waits for the
 *     worker, downloads it and checks it is a PDF with the expected title.
 *
 * Every page visited: a screenshot in test/artifacts/journeys/ (git-ignored), axe-core findings
 * collected per page (all of them written next to the screenshots as JSON) — the last test fails
 * listing every serious or critical one —, and no request to another origin. Only the set-up
 * (organisations, accounts) happens over HTTP.
 */
jest.setTimeout(120_000);

const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts', 'journeys');
const PHOTO = join(PROJECT_ROOT, 'test/fixtures/attachments/photo-gps.jpg');
/** the form refuses posts sooner than 3 s after it was rendered (signed start time) */
const MIN_FILL_MS = 3_100;
const RECEIPT = /^\d{4}-\d{4}-\d{4}-\d{4}$/;
const NARRATIVE_AR = 'علامة-الرحلة: رفض صاحب الشقة أن يؤجرني الشقة عندما سمع اسمي العربي.';
const REPLY_AR = 'مرحبًا، قرأنا بلاغك. نقترح عليك استشارة قانونية لدى شريكنا.';
const SUMMARY = 'Wohnungssuche, Absage wegen des Namens: bitte Rechtsberatung zum AGG (JOURNEY-SUMMARY)';
const TASK = 'Vermieter anschreiben (JOURNEY-TASK)';

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

describe('a report from an Arabic phone to the quarterly PDF, across every role, in a real browser', () => {
  let t: RunningApp;
  let browser: Browser;
  let orgs: { id: string; code: string; kind: string }[];
  const org = (code: string) => orgs.find((o) => o.code === code)!.id;
  const accounts: Record<string, { email: string; password: string; secret?: string }> = {};
  const recorders = new Map<BrowserContext, RequestRecorder>();
  /** every page visited, in order: its label and the serious or critical axe findings on it */
  const visited: { label: string; serious: string[]; all: number }[] = [];
  const foreignRequests: string[] = [];
  let shot = 0;

  const today = berlinToday();
  const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;

  async function track(page: Page): Promise<Page> {
    recorders.set(page.context(), recordRequests(page));
    return page;
  }

  /** A staff member's desk: a laptop-sized window, own cookies, the pages' JavaScript off. */
  async function desk(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
      javaScriptEnabled: false,
      serviceWorkers: 'block',
    });
    return track(await context.newPage());
  }

  /** Screenshot, axe (collected, asserted at the end) and the origin check for the page as shown. */
  async function inspect(page: Page, name: string): Promise<void> {
    const n = String(++shot).padStart(2, '0');
    const label = `${n}-${name} (${new URL(page.url()).pathname})`;
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `${n}-${name}.png`), fullPage: true });
    const requests = recorders.get(page.context())!;
    foreignRequests.push(...requests.foreign(t.url).map((u) => `${label}: ${u}`));
    requests.clear();
    const violations = await axeViolations(page);
    writeAxeReport(join(ARTIFACTS, `${n}-${name}.axe.json`), violations);
    visited.push({ label, serious: formatSerious(violations, label), all: violations.length });
  }

  async function download(page: Page, link: Locator): Promise<{ download: Download; body: Buffer }> {
    const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = await dl.path();
    return { download: dl, body: readFileSync(path) };
  }

  beforeAll(async () => {
    // the worker runs in the app process, so the PDF is rendered without a second process
    t = await startApp({ WORKERS_IN_PROCESS: 'true', INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    const admin = await firstAdmin(t, 'journey admin passphrase long');
    await createPartnerOrganisation(
      admin,
      { name: 'Rechtshilfe Halle', code: 'RHH' },
      {
        services: ['legal_aid'],
        languages: ['de', 'ar'],
        districts: ['mitte'],
        takesReferrals: true,
        capacity: 'open',
        published: true,
      },
    );
    orgs = (await admin.get('/api/v1/admin/organisations')).json();
    const centre = orgs.find((o) => o.kind === 'service_centre')!.id;
    for (const [key, orgId, role] of [
      ['amira', centre, 'counsellor'],
      ['paul', org('RHH'), 'partner'],
      ['olga', centre, 'officer'],
    ] as const) {
      const u = await createStaffUser(admin, t.url, orgId, key, role);
      accounts[key] = { email: u.email, password: u.password, secret: u.secret };
    }
    expect(accounts.amira.secret).toBeTruthy();
    expect(accounts.paul.secret).toBeTruthy();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  // ---------------------------------------------------------------------------------------------
  let receipt = '';

  it('1. the reporter switches to Arabic with the language picker and files a report with a photo', async () => {
    const phone = await track(await newPhonePage(browser, { lang: 'de-DE' }));
    await phone.goto(`${t.url}/`, { waitUntil: 'load' });
    expect(await htmlLangDir(phone)).toEqual({ lang: 'de', dir: 'ltr' });
    await inspect(phone, 'reporter-home-de');

    await follow(phone, 'nav.lang-switch a[hreflang="ar"]', /^\/$/);
    expect(await htmlLangDir(phone)).toEqual({ lang: 'ar', dir: 'rtl' });
    await inspect(phone, 'reporter-home-ar');

    await follow(phone, phone.getByRole('link', { name: 'الإبلاغ عن التمييز' }).first(), /^\/report$/);
    const loadedAt = Date.now();
    // the language stayed Arabic (cookie), the page ships no script
    expect(await htmlLangDir(phone)).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(await phone.locator('script').count()).toBe(0);
    await inspect(phone, 'reporter-form-ar');

    await phone.getByLabel('حدث ذلك لي شخصيًا').check();
    await phone.getByLabel('ماذا حدث؟').fill(NARRATIVE_AR);
    await phone.getByLabel('في يوم محدد').check();
    await phone.getByLabel('التاريخ', { exact: true }).fill(today);
    await phone.locator('#district-mitte').check(); // district names come from the settings
    await phone.getByLabel('بسبب أصلي أو لون بشرتي', { exact: false }).check();
    await phone.getByRole('radio', { name: /^السكن/ }).check();
    await phone.getByLabel('لا، عبر رقم البلاغ فقط').check();
    await phone.setInputFiles('#files-input', PHOTO);
    await phone.getByRole('checkbox', { name: /أوافق على حفظ بلاغي ومعالجته/ }).check();
    // the consent to referral proposals: nothing is pre-ticked, the person ticks it
    expect(await phone.isChecked('#consentShare-input')).toBe(false);
    await phone.getByRole('checkbox', { name: /أوافق على أن يقترح عليّ فريق الاستشارة إحالة/ }).check();
    await phone.waitForTimeout(Math.max(0, MIN_FILL_MS - (Date.now() - loadedAt)));
    const [post] = await Promise.all([
      phone.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
      phone.getByRole('button', { name: 'إرسال البلاغ' }).click(),
    ]);
    await phone.waitForLoadState('load');
    expect(post.status()).toBe(200);
    expect(post.request().headers()['content-type']).toMatch(/^multipart\/form-data/);
    expect(await phone.locator('.error-summary').count()).toBe(0);
    receipt = (await phone.locator('.receipt-code').textContent())!.trim();
    expect(receipt).toMatch(RECEIPT);
    // people copy the code by hand: on the phone it stays on one line, whole, inside its box
    const box = (await phone.evaluate(`(() => {
      const el = document.querySelector('.receipt-code');
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      return { lines: lines.size, overflow: el.scrollWidth - el.clientWidth };
    })()`)) as { lines: number; overflow: number };
    expect(box).toEqual({ lines: 1, overflow: 0 });
    expect(await phone.locator('h1').textContent()).toBe('رقم بلاغك');
    expect(await phone.locator('main').innerText()).toContain('مهم: مراعاة المهلة'); // housing: deadline
    expect(await htmlLangDir(phone)).toEqual({ lang: 'ar', dir: 'rtl' });
    await inspect(phone, 'reporter-receipt-ar');
    await phone.context().close();
  });

  // ---------------------------------------------------------------------------------------------
  let counsellor: Page;
  let reportId = '';
  let caseId = '';

  it('2a. the counsellor logs in with TOTP, finds the report in the inbox, reads it and downloads the photo without GPS data', async () => {
    expect(receipt).toMatch(RECEIPT);
    counsellor = await desk();
    await browserLogin(counsellor, t.url, accounts.amira);
    await inspect(counsellor, 'counsellor-start');

    await follow(counsellor, counsellor.locator('nav a[href="/staff/inbox"]').first(), /^\/staff\/inbox$/);
    const cards = counsellor.locator('main section.kern-card');
    expect(await cards.count()).toBe(1);
    expect(await cards.innerText()).toContain('Housing');
    await inspect(counsellor, 'counsellor-inbox');

    await follow(
      counsellor,
      cards.getByRole('link', { name: 'Read the report' }),
      /^\/staff\/reports\/[0-9a-f-]{36}$/,
    );
    reportId = new URL(counsellor.url()).pathname.split('/').pop()!;
    expect(await counsellor.locator('main').innerText()).toContain(NARRATIVE_AR);
    await inspect(counsellor, 'counsellor-report');

    const attachment = counsellor.locator(`a[href^="/staff/reports/${reportId}/attachments/"]`);
    expect(await attachment.count()).toBe(1);
    const { download: dl, body } = await download(counsellor, attachment);
    expect(dl.suggestedFilename()).toMatch(/^anlage-[0-9a-f]{8}\.jpg$/);
    // the fixture carries EXIF with GPS coordinates; what is stored and handed out carries none
    const original = await sharp(PHOTO).metadata();
    const gpsPointer = (exif: Buffer) =>
      exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])); // tag 0x8825
    expect(original.exif && gpsPointer(original.exif)).toBe(true);
    const markers = ['SECRET-MARKER-EXIF', 'SECRET-MARKER-XMP', 'SECRET-MARKER-COM'];
    expect(markers.filter((m) => readFileSync(PHOTO).includes(m))).toEqual(markers);
    const stored = await sharp(body).metadata();
    expect(stored.format).toBe('jpeg');
    expect({ exif: stored.exif, xmp: stored.xmp, comments: stored.comments }).toEqual({
      exif: undefined,
      xmp: undefined,
      comments: undefined,
    });
    expect(markers.filter((m) => body.includes(m))).toEqual([]);
  });

  it('2b. opens a case from the inbox (triage) and moves it to "in counselling"', async () => {
    expect(reportId).not.toBe('');
    await follow(counsellor, counsellor.locator('nav a[href="/staff/inbox"]').first(), /^\/staff\/inbox$/);
    await follow(
      counsellor,
      `form[action="/staff/inbox/${reportId}/open"] button[type="submit"]`,
      /^\/staff\/cases\/[0-9a-f-]{36}$/,
    );
    caseId = new URL(counsellor.url()).pathname.split('/').pop()!;
    const badge = counsellor.locator('h1 .kern-badge');
    expect(await badge.textContent()).toBe('Triage');
    expect(await counsellor.locator('h1').innerText()).toMatch(/SZI-\d{4}-\d{4}/);
    // the reporter's account stands in the case file as submitted
    expect(await counsellor.locator('main').innerText()).toContain(NARRATIVE_AR);
    await inspect(counsellor, 'counsellor-case-triage');

    await counsellor.selectOption('#status-to', 'open');
    await follow(counsellor, '#status button[type="submit"]', new RegExp(`^/staff/cases/${caseId}$`));
    expect(await counsellor.locator('.error-summary').count()).toBe(0);
    expect(await badge.textContent()).toBe('In counselling');
    await inspect(counsellor, 'counsellor-case-open');
  });

  it('2c. classifies the case, adds a task and replies through the mailbox', async () => {
    expect(caseId).not.toBe('');
    const form = counsellor.locator('#assessment form');
    await form.locator('#g-ethnic_origin').check();
    await form.locator('#g-language').check();
    await form.locator('#intersectional').check();
    await form.locator('#f-direct').check();
    await form.locator('#level').selectOption('individual');
    await form.locator('#lifeArea').selectOption('housing');
    await form.locator('#perpetratorType').selectOption('landlord');
    await form.locator('#district').selectOption('mitte');
    await form.locator('#whenKind').selectOption('date');
    await form.locator('#incidentDate').fill(today);
    await form.locator('#learnedOn').fill(today);
    await follow(counsellor, form.locator('button[type="submit"]'), new RegExp(`^/staff/cases/${caseId}$`));
    expect(await counsellor.locator('.error-summary').count()).toBe(0);
    // what was saved comes back checked and selected
    expect(await counsellor.isChecked('#g-ethnic_origin')).toBe(true);
    expect(await counsellor.isChecked('#g-language')).toBe(true);
    expect(await counsellor.isChecked('#f-direct')).toBe(true);
    expect(await counsellor.inputValue('#perpetratorType')).toBe('landlord');
    expect(await counsellor.inputValue('#level')).toBe('individual');
    // housing, date known: the AGG deadline is computed (two months from when the person learned of it)
    expect(await counsellor.locator('.kern-dl').innerText()).toMatch(/\d+ days left/);
    await inspect(counsellor, 'counsellor-case-classified');

    await counsellor.fill('#task-title', TASK);
    await counsellor.fill('#task-due', addDays(today, 7));
    await follow(
      counsellor,
      '#tasks form[action$="/tasks"] button[type="submit"]',
      new RegExp(`^/staff/cases/${caseId}$`),
    );
    expect(await counsellor.locator('.error-summary').count()).toBe(0);
    const task = counsellor.locator('#tasks li', { hasText: TASK });
    expect(await task.count()).toBe(1);
    expect(await task.innerText()).toContain(addDays(today, 7));
    await inspect(counsellor, 'counsellor-case-task');

    await counsellor.fill(`#msg-${reportId}`, REPLY_AR);
    await follow(
      counsellor,
      `form[action="/staff/cases/${caseId}/messages"] button[type="submit"]`,
      new RegExp(`^/staff/cases/${caseId}$`),
    );
    expect(await counsellor.locator('.error-summary').count()).toBe(0);
    const sent = counsellor.locator('.message--staff', { hasText: REPLY_AR });
    expect(await sent.count()).toBeGreaterThanOrEqual(1);
    await inspect(counsellor, 'counsellor-case-replied');
  });

  let referralId = '';

  it('2d. refers the case to the partner (the reporter consented to referral proposals)', async () => {
    expect(caseId).not.toBe('');
    await follow(counsellor, `a[href="/staff/referrals/new?caseId=${caseId}"]`, /^\/staff\/referrals\/new$/);
    expect(await counsellor.locator('input[name="sharedFields"]:checked').count()).toBe(0);
    await inspect(counsellor, 'counsellor-referral-new');
    await counsellor.selectOption('#toOrganisationId', org('RHH'));
    await counsellor.selectOption('#serviceType', 'legal_aid');
    await counsellor.check('#sf-life_area');
    await counsellor.fill('#summary', SUMMARY);
    await follow(
      counsellor,
      'form[action="/staff/referrals"] button[type="submit"]',
      /^\/staff\/referrals\/[0-9a-f-]{36}$/,
    );
    expect(await counsellor.locator('.error-summary').count()).toBe(0);
    referralId = new URL(counsellor.url()).pathname.split('/').pop()!;
    await inspect(counsellor, 'counsellor-referral-draft');

    await follow(
      counsellor,
      `form[action="/staff/referrals/${referralId}/send"] button[type="submit"]`,
      new RegExp(`^/staff/referrals/${referralId}$`),
    );
    expect(await counsellor.locator('.error-summary').count()).toBe(0);
    expect(await fact(counsellor, 'Status')).toBe('Sent');
    await inspect(counsellor, 'counsellor-referral-sent');

    // sending moved the case to "referred"
    await counsellor.goto(`${t.url}/staff/cases/${caseId}`, { waitUntil: 'load' });
    expect(await counsellor.locator('h1 .kern-badge').textContent()).toBe('Referred');
    expect(await counsellor.locator('#tasks li', { hasText: TASK }).count()).toBe(1);
    await inspect(counsellor, 'counsellor-case-referred');
  });

  // ---------------------------------------------------------------------------------------------
  it('3. the reporter comes back on an Arabic phone, logs in with the receipt and reads the reply', async () => {
    expect(receipt).toMatch(RECEIPT);
    const phone = await track(await newPhonePage(browser, { lang: 'ar' }));
    await phone.goto(`${t.url}/`, { waitUntil: 'load' });
    expect(await htmlLangDir(phone)).toEqual({ lang: 'ar', dir: 'rtl' });
    await follow(phone, phone.getByRole('link', { name: 'لديّ رقم بلاغ بالفعل' }), /^\/follow-up$/);
    expect(await phone.locator('script').count()).toBe(0);
    await inspect(phone, 'reporter-follow-up-ar');

    // typed as written down on paper: in groups, with spaces
    await phone.locator('#receipt').fill(receipt.replace(/-/g, ' '));
    await follow(phone, phone.getByRole('button', { name: 'فتح صندوق الرسائل' }), /^\/follow-up\/mailbox$/);
    expect(await htmlLangDir(phone)).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(await phone.locator('.kern-badge').first().textContent()).toBe('قيد الاستشارة');
    const reply = phone.locator('article.message--staff');
    expect(await reply.count()).toBe(1);
    expect(await reply.innerText()).toContain(REPLY_AR);
    expect(await reply.innerText()).toContain('من فريق الاستشارة');
    // the mailbox shows the conversation, never the case file: no task, no referral summary
    const body = await phone.content();
    expect(body).not.toContain('JOURNEY-TASK');
    expect(body).not.toContain('JOURNEY-SUMMARY');
    await inspect(phone, 'reporter-mailbox-reply-ar');
    await phone.context().close();
  });

  // ---------------------------------------------------------------------------------------------
  it('4. the partner logs in with TOTP, opens the referral (only what was shared) and accepts it', async () => {
    expect(referralId).not.toBe('');
    const partner = await desk();
    await browserLogin(partner, t.url, accounts.paul);
    await inspect(partner, 'partner-start');
    await partner.goto(`${t.url}/partner/referrals`, { waitUntil: 'load' });
    expect(await partner.locator('a[href^="/partner/referrals/"]').count()).toBe(1);
    await inspect(partner, 'partner-referrals');

    await follow(
      partner,
      `a[href="/partner/referrals/${referralId}"]`,
      new RegExp(`^/partner/referrals/${referralId}$`),
    );
    expect(await fact(partner, 'Status')).toBe('Sent');
    expect(await fact(partner, 'Summary')).toContain('JOURNEY-SUMMARY');
    expect(await fact(partner, 'Life area')).toBe('Housing');
    const body = await partner.content();
    expect(body).not.toContain(NARRATIVE_AR);
    expect(body).not.toContain(caseId);
    expect(body).not.toContain('JOURNEY-TASK');
    await inspect(partner, 'partner-referral');

    await follow(
      partner,
      `form[action="/partner/referrals/${referralId}/accept"] button[type="submit"]`,
      new RegExp(`^/partner/referrals/${referralId}$`),
    );
    expect(await partner.locator('.error-summary').count()).toBe(0);
    expect(await fact(partner, 'Status')).toBe('Accepted');
    await inspect(partner, 'partner-referral-accepted');
    await partner.context().close();

    // the counsellor sees the acceptance on the referral
    await counsellor.goto(`${t.url}/staff/referrals/${referralId}`, { waitUntil: 'load' });
    expect(await fact(counsellor, 'Status')).toBe('Accepted');
    await inspect(counsellor, 'counsellor-referral-accepted');
    await counsellor.context().close();
  });

  // ---------------------------------------------------------------------------------------------
  it(`5. the officer generates the quarterly PDF for the current quarter and downloads it`, async () => {
    const officer = await desk();
    await browserLogin(officer, t.url, accounts.olga);
    await inspect(officer, 'officer-start');
    await follow(officer, officer.locator('nav a[href="/reports"]').first(), /^\/reports$/);
    await inspect(officer, 'officer-reports');

    // the running quarter is offered and accepted (src/modules/statistics/period.ts: started periods)
    expect(await officer.locator(`#period option[value="${quarter}"]`).count()).toBe(1);
    await officer.selectOption('#period', quarter);
    await officer.selectOption('#language', 'de');
    await follow(officer, 'form[action="/reports"] button[type="submit"]', /^\/reports$/);
    expect(await officer.locator('[role="alert"]').count()).toBe(0);
    expect(await officer.locator('[role="status"]').count()).toBe(1);
    await inspect(officer, 'officer-report-requested');

    // the worker renders it; the page has no script, so the officer reloads it (its "refresh" link)
    const link = officer.locator('a[href^="/api/v1/periodic-reports/"][href$="/pdf"]');
    for (let i = 0; i < 120 && (await link.count()) === 0; i++) {
      await officer.waitForTimeout(1_000);
      await officer.goto(`${t.url}/reports`, { waitUntil: 'load' });
    }
    expect(await link.count()).toBe(1);
    expect(await officer.locator('tbody th[scope="row"]').first().textContent()).toBe(quarter);
    await inspect(officer, 'officer-report-done');

    const { download: dl, body: pdf } = await download(officer, link);
    expect(dl.suggestedFilename()).toMatch(/\.pdf$/);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    writeFileSync(join(ARTIFACTS, `quarterly-${quarter}.pdf`), pdf);
    const dir = mkdtempSync(join(tmpdir(), 'anl-journey-'));
    writeFileSync(join(dir, 'q.pdf'), pdf);
    const period = periodFromCode(quarter);
    const label = period.label; // "Q4 2026"
    const info = execFileSync('pdfinfo', [join(dir, 'q.pdf')], { encoding: 'utf8' });
    expect(info).toMatch(new RegExp(`Title:\\s+Quartalsbericht ${label}`));
    expect(info).not.toMatch(/amira|olga|paul/i);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'q.pdf'), '-'], { encoding: 'utf8' });
    // the cover sets the kind and the period on two lines
    expect(text).toMatch(new RegExp(`Quartalsbericht\\s+${label}`));
    expect(text).toContain(`Berichtszeitraum: ${period.from} – ${addDays(period.to, -1)}`);
    expect(text).toContain('Verweisungsnetzwerk');
    // one case this quarter: counted, but published only as "<5" (disclosure control)
    expect(text).toMatch(/\nFälle\s+<5\s/);
    expect(text).not.toContain('علامة-الرحلة');
    expect(text).not.toContain('JOURNEY-');
    await officer.context().close();
  });

  // ---------------------------------------------------------------------------------------------
  it('axe-core found no serious or critical violation on any page visited', () => {
    writeFileSync(join(ARTIFACTS, 'pages.json'), JSON.stringify(visited, null, 2));
    // every step above visited its pages (a failed step leaves fewer)
    expect(visited.length).toBeGreaterThanOrEqual(24);
    expect(visited.flatMap((p) => p.serious)).toEqual([]);
  });

  it('no page made a request to another origin', () => {
    for (const [, r] of recorders) foreignRequests.push(...r.foreign(t.url));
    expect(foreignRequests).toEqual([]);
  });
});
