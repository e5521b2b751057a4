import { join } from 'node:path';
import { jest } from '@jest/globals';
import { generate } from 'otplib';
import type { Browser, Page, Response } from 'playwright-core';
import { startApp, type RunningApp } from '../support/app.js';
import { axeViolations, formatSerious, writeAxeReport } from '../support/axe.js';
import {
  horizontalOverflow,
  htmlLangDir,
  launchBrowser,
  newPhonePage,
  recordRequests,
  SCREENSHOT_DIR,
  screenshot,
  type RequestRecorder,
} from '../support/browser.js';

/**
 * The public and staff pages in a real browser (Debian Chromium, 360 px phone, JavaScript off):
 * the first admin logs in through the real forms, enrols TOTP, keeps the recovery codes, replaces the
 * one-time password and opens every admin page. On every page: no serious or critical axe finding,
 * `<html lang>` and `dir` set, nothing wider than the screen, no request to another origin, and a
 * screenshot in test-artifacts/screenshots/.
 *
 * Each step does its navigation first and asserts the page checks last, so a finding on one page
 * fails that step (listing everything found) without stopping the walk through the others.
 *
 * Form posts: a real browser sends `Origin: null` with a form POST when the page's referrer policy is
 * `no-referrer` (Fetch standard, "serializing a request origin"), which the fetch-based e2e client
 * never does. If the app refuses such a post, the step that sent it fails, and the walk goes on with
 * that header replaced by the app's origin in POSTs (what the browser sends under any other referrer
 * policy; see submit()), so the pages behind the login are still checked; the last test fails as long
 * as this was needed.
 */
jest.setTimeout(60_000);

const AXE_DIR = join(SCREENSHOT_DIR, '..', 'axe');

describe('staff pages in a real browser', () => {
  let t: RunningApp;
  let browser: Browser;
  let page: Page;
  let requests: RequestRecorder;
  const newPassword = 'a long and new admin passphrase in the browser';
  let shot = 0;

  /** Everything a page must satisfy; returns the problems found (empty: all good). */
  async function inspect(name: string, expectLang: string): Promise<string[]> {
    const label = `${name} (${new URL(page.url()).pathname})`;
    const problems: string[] = [];
    await screenshot(page, `${String(++shot).padStart(2, '0')}-${name}`);
    const { lang, dir } = await htmlLangDir(page);
    if (lang !== expectLang) problems.push(`${label}: <html lang="${lang}">, expected "${expectLang}"`);
    if (dir !== 'ltr' && dir !== 'rtl') problems.push(`${label}: <html dir="${dir}"> is not ltr/rtl`);
    const overflow = await horizontalOverflow(page);
    if (overflow.overflows)
      problems.push(
        `${label}: overflows horizontally at ${overflow.innerWidth}px (scrollWidth ${overflow.scrollWidth}): ${overflow.widest.join('; ')}`,
      );
    for (const u of requests.foreign(t.url)) problems.push(`${label}: request left the origin: ${u}`);
    requests.clear();
    const violations = await axeViolations(page);
    // every finding (also minor and moderate) next to the screenshots, for whoever fixes them
    writeAxeReport(join(AXE_DIR, `${String(shot).padStart(2, '0')}-${name}.json`), violations);
    problems.push(...formatSerious(violations, label));
    return problems;
  }

  async function go(path: string): Promise<Response> {
    const res = await page.goto(t.url + path, { waitUntil: 'load' });
    if (!res) throw new Error(`no response for ${path}`);
    return res;
  }

  /** form posts the app refused from the real browser (see the comment at the top) */
  const refusedPosts: string[] = [];
  let originNullDropped = false;

  async function click(button: string): Promise<Response> {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
      page.click(button),
    ]);
    await page.waitForLoadState('load');
    return res;
  }

  /**
   * Fills and submits a form the way a person does; returns the document response and whether the
   * app refused the browser's post as cross-site (then it was sent again without `Origin: null`).
   */
  async function submit(
    fill: () => Promise<void>,
    button: string,
  ): Promise<{ res: Response; refused: string[] }> {
    const formUrl = page.url();
    await fill();
    let res = await click(button);
    const refused: string[] = [];
    const origin = await res.request().headerValue('origin');
    if (res.status() === 403 && origin === 'null' && !originNullDropped) {
      refused.push(
        `POST ${new URL(res.url()).pathname} from the browser answered 403 (CSRF refused): ` +
          `the browser sent Origin: null (Referrer-Policy no-referrer) with Sec-Fetch-Site: ` +
          `${await res.request().headerValue('sec-fetch-site')}`,
      );
      refusedPosts.push(...refused);
      originNullDropped = true;
      // Chromium puts Origin back when a route only overrides it, so such posts are sent from the test
      // (same cookies, same body) with the app's origin — what the browser sends under any referrer
      // policy other than no-referrer — and the answer is handed back to the browser unchanged
      await page.context().route('**/*', async (route) => {
        const req = route.request();
        const headers = await req.allHeaders();
        if (req.method() !== 'POST' || headers.origin !== 'null') return route.continue();
        const response = await route.fetch({
          headers: { ...headers, origin: new URL(t.url).origin, 'sec-fetch-site': 'same-origin' },
          maxRedirects: 0,
        });
        return route.fulfill({ response });
      });
      await page.goto(formUrl, { waitUntil: 'load' });
      await fill();
      res = await click(button);
    }
    return { res, refused };
  }

  beforeAll(async () => {
    t = await startApp();
    browser = await launchBrowser();
    page = await newPhonePage(browser, { lang: 'de-DE' });
    requests = recordRequests(page);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('home page, German', async () => {
    const res = await go('/');
    expect(res.status()).toBe(200);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await inspect('home-de', 'de')).toEqual([]);
  });

  it('login page, German', async () => {
    const res = await go('/login');
    expect(res.status()).toBe(200);
    expect(await page.textContent('h1')).toBeTruthy();
    expect(await page.getAttribute('#email', 'autocomplete')).toBe('username');
    expect(await inspect('login-de', 'de')).toEqual([]);
  });

  it('login page, English (?lang=en)', async () => {
    const res = await go('/login?lang=en');
    expect(res.status()).toBe(200);
    expect(await page.textContent('label[for="email"]')).toMatch(/e-mail/i);
    expect(await inspect('login-en', 'en')).toEqual([]);
  });

  it('wrong credentials: the form comes back with an error summary and the typed e-mail', async () => {
    const { res, refused } = await submit(async () => {
      await page.fill('#email', t.admin.email);
      await page.fill('#password', 'not the password');
    }, 'form[action="/login"] button[type="submit"]');
    expect(res.status()).toBe(401);
    const summary = page.locator('.error-summary');
    expect(await summary.count()).toBe(1);
    expect(await summary.getAttribute('role')).toBe('alert');
    expect(await summary.getAttribute('tabindex')).toBe('-1'); // can take focus
    expect(await summary.textContent()).toContain('E-mail address or password is not correct.');
    // every link in the summary leads to a field on the page
    for (const href of await summary
      .locator('a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      expect(await page.locator(href!).count()).toBe(1);
    }
    expect(await page.inputValue('#email')).toBe(t.admin.email);
    expect(await page.inputValue('#password')).toBe('');
    expect([...refused, ...(await inspect('login-error-en', 'en'))]).toEqual([]);
  });

  let secret: string;

  it('logs the admin in through the German form and reaches the TOTP enrolment', async () => {
    await go('/login?lang=de');
    const { refused } = await submit(async () => {
      await page.fill('#email', t.admin.email);
      await page.fill('#password', t.admin.password);
    }, 'form[action="/login"] button[type="submit"]');
    expect(new URL(page.url()).pathname).toBe('/login/mfa/setup');
    expect(await page.locator('.qr-code svg').count()).toBe(1); // QR code rendered by the app itself
    secret = (await page.textContent('code.receipt-code'))!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect([...refused, ...(await inspect('mfa-setup-de', 'de'))]).toEqual([]);
  });

  it('confirms the second factor and shows the recovery codes', async () => {
    const { res, refused } = await submit(
      async () => page.fill('#code', await generate({ secret })),
      'form[action="/login/mfa/setup"] button[type="submit"]',
    );
    expect(res.status()).toBe(200);
    const codes = await page.locator('.recovery-codes code').allTextContents();
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
    expect([...refused, ...(await inspect('mfa-recovery-codes-de', 'de'))]).toEqual([]);
  });

  it('replaces the one-time password', async () => {
    // "continue" after the recovery codes: everything else waits for the new password
    await Promise.all([
      page.waitForURL((u) => u.pathname !== '/login/mfa/setup'),
      page.click('main a.kern-btn--primary'),
    ]);
    if (new URL(page.url()).pathname !== '/account/password') await go('/staff');
    expect(new URL(page.url()).pathname).toBe('/account/password');
    expect(await page.locator('.kern-alert--warning').count()).toBe(1); // says why
    const problems = await inspect('password-forced-de', 'de');
    const { refused } = await submit(async () => {
      await page.fill('#currentPassword', t.admin.password);
      await page.fill('#newPassword', newPassword);
    }, 'form[action="/account/password"] button[type="submit"]');
    expect(new URL(page.url()).pathname).not.toBe('/account/password');
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect([...refused, ...problems]).toEqual([]);
  });

  for (const [path, name] of [
    ['/staff', 'staff-dashboard'],
    ['/admin/organisations', 'admin-organisations'],
    ['/admin/users', 'admin-users'],
    ['/admin/settings', 'admin-settings'],
    ['/account', 'account'],
  ] as const) {
    it(`${path} (German and English)`, async () => {
      const de = await go(`${path}?lang=de`);
      expect(de.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe(path);
      const problems = await inspect(`${name}-de`, 'de');
      const en = await go(`${path}?lang=en`);
      expect(en.status()).toBe(200);
      problems.push(...(await inspect(`${name}-en`, 'en')));
      expect(problems).toEqual([]);
    });
  }

  it('made no request to any other origin during the whole walk', () => {
    // inspect() checks and clears per page; anything left here came after the last inspection
    expect(requests.foreign(t.url)).toEqual([]);
  });

  it('accepted every form post exactly as the browser sent it', () => {
    expect(refusedPosts).toEqual([]);
    expect(originNullDropped).toBe(false);
  });
});
