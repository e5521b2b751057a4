import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { jest } from '@jest/globals';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { startApp, type RunningApp } from '../support/app.js';
import { axeViolations, formatSerious, writeAxeReport } from '../support/axe.js';
import {
  horizontalOverflow,
  htmlLangDir,
  launchBrowser,
  PHONE,
  recordRequests,
  SCREENSHOT_DIR,
  screenshot,
  type RequestRecorder,
} from '../support/browser.js';
import { Client } from '../support/client.js';

/**
 * Every public page in every language in a real browser (Debian Chromium, 360 px phone, JavaScript
 * off): no serious or critical axe finding, `<html lang>` and `dir` right (easy German is `lang="de"`,
 * Arabic and Farsi are right to left), nothing wider than the screen, no request to another origin,
 * and the page weight (the HTML plus its stylesheets, gzip) under 50 KB. Also the form's error page
 * and the mailbox after a receipt login. One browser, one context per language; screenshots for de,
 * ar and fa only.
 */
jest.setTimeout(60_000);

const LANGS = ['de', 'en', 'ar', 'uk', 'tr', 'ru', 'fa'] as const;
const PAGES = ['/', '/report', '/follow-up', '/privacy', '/imprint', '/accessibility'] as const;
/** easy German exists for the landing page and the form */
const EASY_PAGES = ['/', '/report'] as const;
const RTL = new Set(['ar', 'fa']);
const SHOTS = new Set(['de', 'ar', 'fa']);
const BUDGET_GZIP_BYTES = 50 * 1024;
const AXE_DIR = join(SCREENSHOT_DIR, '..', 'axe');

describe('public pages in every language, in a real browser', () => {
  let t: RunningApp;
  let browser: Browser;
  const contexts = new Map<string, { page: Page; requests: RequestRecorder }>();
  /** stylesheets by URL, fetched once */
  const styles = new Map<string, Buffer>();

  /** one phone context per language (its own cookies), reused for every page in that language */
  async function phone(lang: string) {
    let c = contexts.get(lang);
    if (!c) {
      const context: BrowserContext = await browser.newContext({
        ...PHONE,
        locale: lang === 'ls' ? 'de-DE' : lang,
        javaScriptEnabled: false,
        serviceWorkers: 'block',
      });
      const page = await context.newPage();
      c = { page, requests: recordRequests(context) };
      contexts.set(lang, c);
    }
    return c;
  }

  /** HTML + every stylesheet the page references, each gzip-compressed, summed */
  async function pageWeight(page: Page, html: Buffer): Promise<number> {
    const hrefs = await page
      .locator('link[rel~="stylesheet"]')
      .evaluateAll((ls) => ls.map((l) => (l as unknown as { href: string }).href));
    let total = gzipSync(html).length;
    for (const href of hrefs) {
      let css = styles.get(href);
      if (!css) {
        const r = await fetch(href);
        if (!r.ok) throw new Error(`${href}: ${r.status}`);
        css = Buffer.from(await r.arrayBuffer());
        styles.set(href, css);
      }
      total += gzipSync(css).length;
    }
    return total;
  }

  /** Everything a public page must satisfy; returns the problems found (empty: all good). */
  async function inspect(
    lang: string,
    name: string,
    res: Response,
    expect: { lang: string; dir: 'ltr' | 'rtl' },
  ): Promise<string[]> {
    const { page, requests } = await phone(lang);
    const label = `${name} [${lang}] (${new URL(page.url()).pathname}${new URL(page.url()).search})`;
    const problems: string[] = [];
    if (SHOTS.has(lang)) await screenshot(page, `public-${name}-${lang}`);
    const html = await htmlLangDir(page);
    if (html.lang !== expect.lang)
      problems.push(`${label}: <html lang="${html.lang}">, expected "${expect.lang}"`);
    if (html.dir !== expect.dir)
      problems.push(`${label}: <html dir="${html.dir}">, expected "${expect.dir}"`);
    const overflow = await horizontalOverflow(page);
    if (overflow.overflows)
      problems.push(
        `${label}: overflows horizontally at ${overflow.innerWidth}px (scrollWidth ${overflow.scrollWidth}): ${overflow.widest.join('; ')}`,
      );
    for (const u of requests.foreign(t.url)) problems.push(`${label}: request left the origin: ${u}`);
    requests.clear();
    if ((await page.locator('script').count()) > 0) problems.push(`${label}: ships a <script> element`);
    const weight = await pageWeight(page, await res.body());
    if (weight >= BUDGET_GZIP_BYTES)
      problems.push(`${label}: page weight ${weight} B gzip (HTML + CSS) ≥ budget ${BUDGET_GZIP_BYTES} B`);
    const violations = await axeViolations(page);
    writeAxeReport(join(AXE_DIR, `public-${name}-${lang}.json`), violations);
    problems.push(...formatSerious(violations, label));
    return problems;
  }

  const nameOf = (path: string) => (path === '/' ? 'home' : path.slice(1));

  async function visit(lang: string, path: string): Promise<Response> {
    const { page } = await phone(lang);
    const res = await page.goto(`${t.url}${path}?lang=${lang}`, { waitUntil: 'load' });
    if (!res) throw new Error(`no response for ${path}?lang=${lang}`);
    return res;
  }

  beforeAll(async () => {
    t = await startApp({ INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const lang of LANGS) {
    it(`every public page in ${lang}`, async () => {
      const problems: string[] = [];
      for (const path of PAGES) {
        const res = await visit(lang, path);
        if (res.status() !== 200) problems.push(`${path} [${lang}]: status ${res.status()}`);
        problems.push(
          ...(await inspect(lang, nameOf(path), res, { lang, dir: RTL.has(lang) ? 'rtl' : 'ltr' })),
        );
      }
      expect(problems).toEqual([]);
    });
  }

  it('easy German (?lang=ls): the landing page and the form, as lang="de"', async () => {
    const problems: string[] = [];
    for (const path of EASY_PAGES) {
      const res = await visit('ls', path);
      if (res.status() !== 200) problems.push(`${path} [ls]: status ${res.status()}`);
      const { page } = await phone('ls');
      const variant = await page.evaluate(() =>
        (
          globalThis as unknown as {
            document: { documentElement: { getAttribute(n: string): string | null } };
          }
        ).document.documentElement.getAttribute('data-variant'),
      );
      if (variant !== 'leichte-sprache') problems.push(`${path} [ls]: data-variant="${variant}"`);
      problems.push(...(await inspect('ls', nameOf(path), res, { lang: 'de', dir: 'ltr' })));
    }
    expect(problems).toEqual([]);
  });

  for (const lang of ['de', 'ar'] as const) {
    it(`the report form's error page (empty form sent) in ${lang}`, async () => {
      await visit(lang, '/report');
      const { page } = await phone(lang);
      const submit = page.locator('form.report-form button[type="submit"]');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
        submit.click(),
      ]);
      await page.waitForLoadState('load');
      expect(res.status()).toBe(422);
      const summary = page.locator('.error-summary');
      expect(await summary.count()).toBe(1);
      const hrefs = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      expect(hrefs.length).toBeGreaterThan(3);
      for (const href of hrefs) expect(await page.locator(href).count()).toBe(1);
      expect(await inspect(lang, 'report-error', res, { lang, dir: RTL.has(lang) ? 'rtl' : 'ltr' })).toEqual(
        [],
      );
    });
  }

  it('the mailbox after a receipt login, in every language', async () => {
    // a report through the JSON API gives a receipt to log in with
    const api = await new Client(t.url).request('POST', '/api/v1/reports', {
      json: {
        reporterRole: 'witness',
        narrative: 'Für den Seitentest des Postfachs.',
        whenKind: 'ongoing',
        district: 'nord',
        grounds: ['unknown'],
        lifeArea: 'public_space',
        contactChannel: 'none',
        consentStore: true,
        preferredLanguage: 'de',
      },
    });
    expect(api.status).toBe(201);
    const receipt = api.json().receipt as string;
    const problems: string[] = [];
    for (const lang of LANGS) {
      const { page } = await phone(lang);
      await visit(lang, '/follow-up');
      if (new URL(page.url()).pathname !== '/follow-up/mailbox') {
        await page.fill('#receipt', receipt);
        await Promise.all([
          page.waitForURL((u) => u.pathname === '/follow-up/mailbox', { waitUntil: 'load' }),
          page.locator('form[action="/follow-up"] button[type="submit"]').click(),
        ]);
      }
      const res = await visit(lang, '/follow-up/mailbox');
      if (res.status() !== 200) problems.push(`/follow-up/mailbox [${lang}]: status ${res.status()}`);
      if ((await page.locator('textarea#body').count()) !== 1)
        problems.push(`/follow-up/mailbox [${lang}]: no reply form`);
      problems.push(...(await inspect(lang, 'mailbox', res, { lang, dir: RTL.has(lang) ? 'rtl' : 'ltr' })));
    }
    expect(problems).toEqual([]);
  });
});
