import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../support/app.js';
import { axeViolations, formatSerious } from '../support/axe.js';
import {
  horizontalOverflow,
  htmlLangDir,
  launchBrowser,
  newPhonePage,
  recordRequests,
  screenshot,
  type RequestRecorder,
} from '../support/browser.js';
import { Client } from '../support/client.js';
import { createStaffUser, firstAdmin } from '../support/fixtures.js';
import { validReport } from '../support/report-form.js';

/**
 * The officer's pages in a real browser (Debian Chromium, 360 px phone, JavaScript off): the officer
 * logs in through the form, reads /statistics (period picker, SVG charts with title and description
 * next to the table with the same data, CSV/JSON downloads) and requests a PDF on /reports, follows its
 * progress by reloading and downloads it through the link. On every page: no serious or critical axe
 * finding, `<html lang>` set, nothing wider than the screen, no request to another origin, a screenshot
 * in test-artifacts/screenshots/officer-*.png.
 */
jest.setTimeout(90_000);

const MARKER = 'OTTER-MARKER-2718';

describe('officer pages in a real browser', () => {
  let t: RunningApp;
  let browser: Browser;
  let page: Page;
  let requests: RequestRecorder;
  let shot = 0;
  const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(
    new Date(),
  );

  async function inspect(name: string): Promise<string[]> {
    const label = `${name} (${new URL(page.url()).pathname})`;
    await screenshot(page, `officer-${String(++shot).padStart(2, '0')}-${name}`);
    const problems: string[] = [];
    const { lang } = await htmlLangDir(page);
    if (lang !== 'de') problems.push(`${label}: <html lang="${lang}">`);
    const overflow = await horizontalOverflow(page);
    if (overflow.overflows) problems.push(`${label}: overflows horizontally (${overflow.widest.join('; ')})`);
    for (const u of requests.foreign(t.url)) problems.push(`${label}: request left the origin: ${u}`);
    requests.clear();
    problems.push(...formatSerious(await axeViolations(page), label));
    return problems;
  }

  beforeAll(async () => {
    t = await startApp({ WORKERS_IN_PROCESS: 'true', INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    const admin = await firstAdmin(t, 'browser officer admin passphrase');
    const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { id: string; code: string }[];
    const szi = orgs.find((o) => o.code === 'SZI')!.id;
    const anna = await createStaffUser(admin, t.url, szi, 'anna', 'counsellor');
    await createStaffUser(admin, t.url, szi, 'olga', 'officer');
    // nine cases: seven about housing, two about education (a small count that must not show)
    for (let i = 0; i < 9; i++) {
      const res = await new Client(t.url).request('POST', '/api/v1/reports', {
        json: {
          ...validReport(),
          consentStore: true,
          narrative: `Es geschah: ${MARKER}`,
          grounds: ['ethnic_origin'],
          lifeArea: i < 7 ? 'housing' : 'education',
        },
      });
      expect(res.status).toBe(201);
    }
    for (const r of (await anna.client.get('/api/v1/inbox')).json() as { id: string }[])
      expect((await anna.client.api('POST', `/api/v1/inbox/${r.id}/open`)).status).toBe(201);

    browser = await launchBrowser();
    page = await newPhonePage(browser, { lang: 'de-DE' });
    requests = recordRequests(page);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs the officer in through the form', async () => {
    await page.goto(`${t.url}/login`, { waitUntil: 'load' });
    await page.fill('#email', 'olga@example.org');
    await page.fill('#password', 'olga passphrase long');
    await Promise.all([
      page.waitForURL((u) => !u.pathname.startsWith('/login'), { waitUntil: 'load' }),
      page.click('form[action="/login"] button[type="submit"]'),
    ]);
    const res = await page.goto(`${t.url}/statistics`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
  });

  it('statistics: charts with title and description next to their data table, no small count', async () => {
    const res = await page.goto(`${t.url}/statistics?period=${year}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await page.locator('h1').count()).toBe(1);
    // the period picker works without JavaScript: a form with a select and a submit button
    expect(await page.locator('form select[name="period"]').count()).toBe(1);
    const charts = await page.locator('svg.stat-chart').evaluateAll((svgs) =>
      svgs.map((svg) => {
        const ids = (svg.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
        const section = svg.closest('section');
        const table = section?.querySelector('table');
        return {
          role: svg.getAttribute('role'),
          named: ids.map((id: string) => svg.ownerDocument.getElementById(id)?.textContent?.trim() ?? ''),
          hasTitle: svg.querySelector(':scope > title') !== null,
          hasDesc: svg.querySelector(':scope > desc') !== null,
          svgText: svg.textContent ?? '',
          caption: table?.querySelector('caption')?.textContent ?? null,
          rowLabels: [...(table?.querySelectorAll('tbody th[scope="row"]') ?? [])].map(
            (th) => th.textContent?.trim() ?? '',
          ),
          cellTexts: [...(table?.querySelectorAll('tbody td') ?? [])].map(
            (td) => td.textContent?.trim() ?? '',
          ),
        };
      }),
    );
    expect(charts.length).toBeGreaterThan(5);
    for (const c of charts) {
      expect(c.role).toBe('img');
      expect(c.hasTitle && c.hasDesc).toBe(true);
      expect(c.named).toHaveLength(2);
      for (const n of c.named) expect(n.length).toBeGreaterThan(3);
      // the table alternative: same section, a caption, every bar's category as a row
      expect(c.caption).toBeTruthy();
      expect(c.rowLabels.length).toBeGreaterThan(0);
      // (a long label is shortened in the chart, with an ellipsis)
      for (const l of c.rowLabels) expect(c.svgText).toContain(l.slice(0, 16));
      for (const v of c.cellTexts) if (/^\d+$/.test(v)) expect(Number(v) === 0 || Number(v) >= 5).toBe(true);
    }
    expect(await page.content()).toContain('&lt;5');
    expect(await page.content()).not.toContain(MARKER);
    // the downloads are links that work (what is shown, as CSV and JSON)
    for (const selector of [
      'a[download][href*="/api/v1/statistics.csv?"]',
      'a[download][href*="/api/v1/statistics?"]',
    ]) {
      const href = await page.locator(selector).getAttribute('href');
      const got = await page.request.get(new URL(href!, t.url).toString());
      expect(got.status()).toBe(200);
      expect(await got.text()).toContain(year);
    }
    expect(await inspect('statistics')).toEqual([]);
  });

  it('reports: request a PDF, follow its progress, download it through the link', async () => {
    await page.goto(`${t.url}/reports`, { waitUntil: 'load' });
    expect(await inspect('reports-empty')).toEqual([]);
    await page.selectOption('#period', year);
    await page.selectOption('#language', 'de');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/reports' && u.search.includes('requested=1'), {
        waitUntil: 'load',
      }),
      page.click('form[action="/reports"] button[type="submit"]'),
    ]);
    expect(await page.locator('[role="status"]').textContent()).toMatch(/in Auftrag gegeben|requested/i);
    // progress: the row says queued or generating (or already done), with a refresh link while pending
    const status = (await page.locator('tbody tr').first().locator('td').nth(2).textContent())?.trim();
    expect(status).toMatch(/^(In Warteschlange|Wird erstellt|Fertig|Queued|Generating|Done)/);
    if (!/Fertig|Done/.test(status!)) expect(await page.locator('main a[href="/reports"]').count()).toBe(1);
    expect(await inspect('reports-requested')).toEqual([]);

    const link = page.locator(`tbody tr a[href^="/api/v1/periodic-reports/"][download]`);
    for (let i = 0; i < 120 && (await link.count()) === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await page.goto(`${t.url}/reports`, { waitUntil: 'load' });
    }
    expect(await link.count()).toBe(1);
    expect(await inspect('reports-done')).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`statistik-${year}-de.pdf`);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
