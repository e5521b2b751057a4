import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/common/paths.js';
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
import { Client } from '../support/client.js';
import { firstAdmin } from '../support/fixtures.js';

/**
 * Reporting in a real browser (Debian Chromium, 360 px phone, the page's JavaScript OFF — the public
 * pages must work without it), the way a person does it: labels are clicked, the narrative is typed,
 * a photo is chosen with the file input, the form is sent with its button. Then the receipt opens the
 * mailbox, the person answers and adds a file, and a counsellor's reply (sent over HTTP by a real
 * counsellor account) shows up there.
 *
 * On every page: no serious or critical axe finding, `<html lang>`/`dir` right, nothing wider than
 * 360 px, no request to another origin, a screenshot in test-artifacts/screenshots/intake-*.png.
 * Each step navigates first and asserts the page checks last, listing every problem found.
 */
jest.setTimeout(90_000);

const AXE_DIR = join(SCREENSHOT_DIR, '..', 'axe');
const fixturePath = (name: string) => join(PROJECT_ROOT, 'test/fixtures/attachments', name);
/** the form refuses posts sooner than 3 s after the page was rendered (signed start time) */
const MIN_FILL_MS = 3_100;
const RECEIPT = /^\d{4}-\d{4}-\d{4}-\d{4}$/;
const NARRATIVE_DE =
  'Browser-Marker-DE: Beim Vorstellungsgespräch sagte der Chef, mit meinem Akzent passe ich nicht ins Team.';
const NARRATIVE_AR = 'علامة-المتصفح: رفض صاحب الشقة أن يؤجرني بسبب اسمي العربي.';

/** yyyy-mm-dd a few days ago (the form refuses dates in the future) */
function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

describe('reporting in a real browser, without JavaScript', () => {
  let t: RunningApp;
  let browser: Browser;
  let counsellor: Client;
  const recorders = new Map<BrowserContext, RequestRecorder>();
  let shot = 0;

  async function phone(lang: string): Promise<Page> {
    const page = await newPhonePage(browser, { lang });
    recorders.set(page.context(), recordRequests(page));
    return page;
  }

  /** Everything a page must satisfy; returns the problems found (empty: all good). */
  async function inspect(page: Page, name: string, lang: string, dir: 'ltr' | 'rtl'): Promise<string[]> {
    const label = `${name} (${new URL(page.url()).pathname})`;
    const problems: string[] = [];
    const n = String(++shot).padStart(2, '0');
    await screenshot(page, `intake-${n}-${name}`);
    const html = await htmlLangDir(page);
    if (html.lang !== lang) problems.push(`${label}: <html lang="${html.lang}">, expected "${lang}"`);
    if (html.dir !== dir) problems.push(`${label}: <html dir="${html.dir}">, expected "${dir}"`);
    const overflow = await horizontalOverflow(page);
    if (overflow.overflows)
      problems.push(
        `${label}: overflows horizontally at ${overflow.innerWidth}px (scrollWidth ${overflow.scrollWidth}): ${overflow.widest.join('; ')}`,
      );
    const requests = recorders.get(page.context())!;
    for (const u of requests.foreign(t.url)) problems.push(`${label}: request left the origin: ${u}`);
    requests.clear();
    const violations = await axeViolations(page);
    writeAxeReport(join(AXE_DIR, `intake-${n}-${name}.json`), violations);
    problems.push(...formatSerious(violations, label));
    return problems;
  }

  async function go(page: Page, path: string): Promise<Response> {
    const res = await page.goto(t.url + path, { waitUntil: 'load' });
    if (!res) throw new Error(`no response for ${path}`);
    return res;
  }

  /** Clicks a submit button and returns the response to the form's POST (the document it leads to). */
  async function send(page: Page, button: ReturnType<Page['locator']>): Promise<Response> {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
      button.click(),
    ]);
    await page.waitForLoadState('load');
    return res;
  }

  /** Sends a form that answers with a redirect (303 → GET) and waits for the page it leads to. */
  async function sendAndFollow(
    page: Page,
    button: ReturnType<Page['locator']>,
    finalPath: string,
  ): Promise<Response> {
    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
      page.waitForURL((u) => u.pathname === finalPath, { waitUntil: 'load' }),
      button.click(),
    ]);
    return post;
  }

  beforeAll(async () => {
    t = await startApp({ INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    browser = await launchBrowser();
    // the service centre receives public reports; a counsellor there answers them
    const admin = await firstAdmin(t, 'browser intake admin passphrase');
    const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { id: string; kind: string }[];
    const centre = orgs.find((o) => o.kind === 'service_centre')!;
    const created = (
      await admin.api('POST', '/api/v1/admin/users', {
        organisationId: centre.id,
        email: 'browser-counsellor@example.org',
        displayName: 'Beraterin B',
        role: 'counsellor',
      })
    ).json();
    counsellor = new Client(t.url);
    await counsellor.login('browser-counsellor@example.org', created.oneTimePassword);
    await counsellor.post('/account/password', {
      currentPassword: created.oneTimePassword,
      newPassword: 'browser counsellor passphrase',
    });
    await counsellor.get('/staff');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  // ---------------------------------------------------------------------------------------------
  // German: a complete report with a photo, the confirmation, and reload/resubmit shows the same receipt
  // ---------------------------------------------------------------------------------------------
  let de: Page;
  let receiptDe = '';
  let tokenDe = '';

  it('German: the form, filled like a person, with a photo → the receipt and the deadline reminder', async () => {
    de = await phone('de-DE');
    const res = await go(de, '/report?lang=de');
    expect(res.status()).toBe(200);
    const loadedAt = Date.now();
    const problems = await inspect(de, 'report-de', 'de', 'ltr');
    expect(await de.locator('h1').count()).toBe(1);
    // no script anywhere: the page does not need one
    expect(await de.locator('script').count()).toBe(0);

    await de.getByLabel('Es ist mir selbst passiert').check();
    await de.getByLabel('Was ist passiert?').fill(NARRATIVE_DE);
    await de.getByLabel('An einem bestimmten Tag').check();
    await de.getByLabel('Datum', { exact: true }).fill(daysAgo(5));
    await de.getByRole('radio', { name: /^Mitte\b/ }).check();
    await de.getByLabel('Wegen meiner Sprache oder meines Akzents').check();
    await de.getByLabel('Wegen meiner Herkunft', { exact: false }).check();
    await de.getByRole('radio', { name: /^Arbeit\b/ }).check();
    // the deadline hint stands next to the life areas (visible without JavaScript)
    const hint = de.locator('.deadline-hint');
    expect(await hint.isVisible()).toBe(true);
    expect(await hint.textContent()).toContain('2 Monaten');
    await de.getByLabel('Nein, nur über die Meldenummer').check();
    await de.getByRole('checkbox', { name: /Sie dürfen meine Meldung speichern/ }).check();
    await de.setInputFiles('#files-input', fixturePath('photo-gps.jpg'));
    // nothing is pre-ticked: the other consents stay as they were
    expect(await de.isChecked('#consentShare-input')).toBe(false);
    expect(await de.isChecked('#consentContact-input')).toBe(false);
    expect(await de.isChecked('#statisticsOptOut-input')).toBe(false);

    tokenDe = await de.inputValue('input[name="idempotencyKey"]');
    await de.waitForTimeout(Math.max(0, MIN_FILL_MS - (Date.now() - loadedAt)));
    const post = await send(de, de.getByRole('button', { name: 'Meldung absenden' }));
    expect(post.status()).toBe(200);
    // the file went as multipart, chosen through the input
    expect(post.request().headers()['content-type']).toMatch(/^multipart\/form-data/);
    expect(await de.locator('.error-summary').count()).toBe(0);
    receiptDe = (await de.locator('.receipt-code').textContent())!.trim();
    expect(receiptDe).toMatch(RECEIPT);
    expect(await de.locator('h1').textContent()).toContain('Ihre Meldenummer');
    const body = await de.locator('main').innerText();
    expect(body).toContain('Danke. Ihre Meldung ist angekommen und gespeichert.');
    expect(body).toContain('Frist beachten');
    expect(body).toContain('innerhalb von 2 Monaten geltend gemacht werden');
    problems.push(...(await inspect(de, 'confirmation-de', 'de', 'ltr')));
    expect(problems).toEqual([]);
  });

  /** the receipt on the current page, or null when the page shows none */
  async function receiptOn(page: Page): Promise<string | null> {
    const el = page.locator('.receipt-code');
    return (await el.count()) === 1 ? ((await el.textContent())?.trim() ?? null) : null;
  }

  /** ids of the counsellor's reports whose detail page contains `text` */
  async function reportsContaining(text: string): Promise<string[]> {
    const out: string[] = [];
    for (const id of await counsellorReportIds())
      if ((await counsellor.get(`/staff/reports/${id}`)).body.includes(text)) out.push(id);
    return out;
  }

  it('German: reloading the confirmation sends the same form again and shows the SAME receipt', async () => {
    expect(receiptDe).toMatch(RECEIPT);
    // Chromium's reload of a POST result re-posts the form (headless: no "resubmit?" dialog shows)
    de.once('dialog', (d) => void d.accept());
    const reloaded = await de.reload({ waitUntil: 'load', timeout: 15_000 }).catch(() => null);
    let how: string;
    let status: number | undefined;
    if (reloaded && reloaded.request().method() === 'POST') {
      how = 'reload (re-POST)';
      status = reloaded.status();
    } else {
      // fallback the brief allows: back to the form and send it again (see the next test for what
      // the browser actually restores)
      how = 'back + resubmit';
      await de.goBack({ waitUntil: 'load' });
      await de.waitForTimeout(MIN_FILL_MS);
      status = (await send(de, de.getByRole('button', { name: 'Meldung absenden' }))).status();
    }
    expect({ how, status, shown: await receiptOn(de) }).toEqual({
      how: 'reload (re-POST)',
      status: 200,
      shown: receiptDe,
    });
    expect(await reportsContaining('Browser-Marker-DE')).toHaveLength(1); // one report, not two
    expect(await inspect(de, 'confirmation-de-again', 'de', 'ltr')).toEqual([]);
  });

  it('German: going back to the form and sending it again shows the SAME receipt, no second report (README: "back-and-resubmit never creates a second report")', async () => {
    await de.goBack({ waitUntil: 'load' });
    expect(new URL(de.url()).pathname).toBe('/report');
    // what the browser brought back: the typed text (form state restoration) and the hidden token
    const restored = {
      narrative: (await de.inputValue('#narrative')) === NARRATIVE_DE,
      employment: await de.isChecked('#lifeArea-employment'),
      idempotencyKey: await de.inputValue('input[name="idempotencyKey"]'),
    };
    await de.screenshot({ path: join(SCREENSHOT_DIR, 'intake-back-to-form-de.png'), fullPage: true });
    // a person who reads the form again for a moment, then presses "send" once more
    await de.waitForTimeout(MIN_FILL_MS);
    const res = await send(de, de.getByRole('button', { name: 'Meldung absenden' }));
    const outcome = {
      ...restored,
      status: res.status(),
      shown: await receiptOn(de),
      reportsWithThisText: (await reportsContaining('Browser-Marker-DE')).length,
    };
    expect(outcome).toEqual({
      narrative: true,
      employment: true,
      idempotencyKey: tokenDe, // the token the first submission carried
      status: 200,
      shown: receiptDe,
      reportsWithThisText: 1,
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Arabic: an incomplete form first (error summary in Arabic, text kept), then the complete one
  // ---------------------------------------------------------------------------------------------
  let ar: Page;
  let receiptAr = '';

  it('Arabic: an incomplete form comes back with an Arabic error summary that links to the fields, the text kept', async () => {
    ar = await phone('ar');
    const res = await go(ar, '/report?lang=ar');
    expect(res.status()).toBe(200);
    const loadedAt = Date.now();
    const problems = await inspect(ar, 'report-ar', 'ar', 'rtl');
    // the labels are Arabic
    expect(await ar.locator('label[for="narrative"]').textContent()).toBe('ماذا حدث؟');
    expect(await ar.locator('#reporterRole legend').textContent()).toBe('مَن يقدّم البلاغ؟');
    expect(await ar.getByRole('button', { name: 'إرسال البلاغ' }).count()).toBe(1);

    await ar.getByLabel('ماذا حدث؟').fill(NARRATIVE_AR);
    await ar.waitForTimeout(Math.max(0, MIN_FILL_MS - (Date.now() - loadedAt)));
    const post = await send(ar, ar.getByRole('button', { name: 'إرسال البلاغ' }));
    expect(post.status()).toBe(422);
    const summary = ar.locator('.error-summary');
    expect(await summary.count()).toBe(1);
    expect(await summary.getAttribute('role')).toBe('alert');
    expect(await summary.locator('h2').textContent()).toBe('يُرجى تصحيح ما يلي');
    const summaryText = (await summary.innerText()).replace(/\s+/g, ' ');
    // in Arabic, not German or English
    expect(summaryText).toMatch(/[\u0600-\u06FF]/);
    expect(summaryText).not.toMatch(/Bitte|Please/);
    const hrefs = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    for (const field of [
      'reporterRole',
      'whenKind',
      'district',
      'grounds',
      'lifeArea',
      'contactChannel',
      'consentStore',
    ])
      expect(hrefs).toContain(`#${field}`);
    // every link leads to something on the page
    for (const href of hrefs) expect(await ar.locator(href).count()).toBe(1);
    // the narrative was not lost, and no error for it (it was given)
    expect(await ar.inputValue('#narrative')).toBe(NARRATIVE_AR);
    expect(hrefs).not.toContain('#narrative');
    problems.push(...(await inspect(ar, 'report-error-ar', 'ar', 'rtl')));
    expect(problems).toEqual([]);
  });

  it('Arabic: completing the form gives the receipt', async () => {
    await ar.getByLabel('رأيت ذلك أو سمعته').check();
    await ar.getByLabel('لا يزال يحدث').check();
    await ar.locator('#district-mitte').check(); // district names come from the settings (German/English)
    await ar.getByLabel('بسبب أصلي أو لون بشرتي', { exact: false }).check();
    await ar.getByRole('radio', { name: /^السكن/ }).check();
    await ar.getByLabel('لا، عبر رقم البلاغ فقط').check();
    await ar.getByRole('checkbox', { name: /أوافق على حفظ بلاغي ومعالجته/ }).check();
    const post = await send(ar, ar.getByRole('button', { name: 'إرسال البلاغ' }));
    expect(post.status()).toBe(200);
    expect(await ar.locator('.error-summary').count()).toBe(0);
    receiptAr = (await ar.locator('.receipt-code').textContent())!.trim();
    expect(receiptAr).toMatch(RECEIPT);
    expect(receiptAr).not.toBe(receiptDe);
    expect(await ar.locator('h1').textContent()).toBe('رقم بلاغك');
    // housing: the deadline reminder applies, in Arabic
    expect(await ar.locator('main').innerText()).toContain('مهم: مراعاة المهلة');
    expect(await inspect(ar, 'confirmation-ar', 'ar', 'rtl')).toEqual([]);
  });

  // ---------------------------------------------------------------------------------------------
  // the mailbox
  // ---------------------------------------------------------------------------------------------
  async function openMailbox(page: Page, receipt: string, submitName: string): Promise<Response> {
    await go(page, '/follow-up');
    // typed the way it is written down: in groups, with spaces
    await page.locator('#receipt').fill(receipt.replace(/-/g, ' '));
    return sendAndFollow(page, page.getByRole('button', { name: submitName }), '/follow-up/mailbox');
  }

  async function counsellorReportIds(): Promise<string[]> {
    const list = await counsellor.get('/staff/reports');
    return [
      ...new Set([...list.body.matchAll(/href="\/staff\/reports\/([0-9a-f-]{36})"/g)].map((m) => m[1])),
    ];
  }

  it('German mailbox: log in with the receipt (spaces), status "Eingegangen", answer with a file added later', async () => {
    const mb = await phone('de-DE');
    const login = await go(mb, '/follow-up?lang=de');
    expect(login.status()).toBe(200);
    const problems = await inspect(mb, 'follow-up-de', 'de', 'ltr');
    const post = await openMailbox(mb, receiptDe, 'Postfach öffnen');
    expect(post.status()).toBe(303);
    expect(new URL(mb.url()).pathname).toBe('/follow-up/mailbox');
    expect(await mb.locator('.kern-badge').textContent()).toBe('Eingegangen');
    // the mailbox shows the conversation, never the report itself
    expect(await mb.content()).not.toContain('Browser-Marker-DE');
    problems.push(...(await inspect(mb, 'mailbox-de', 'de', 'ltr')));

    await mb.getByLabel('Ihre Nachricht', { exact: true }).fill('Hier ist noch der Brief der Firma.');
    await mb.setInputFiles('#files-input', fixturePath('tiny.pdf'));
    const reply = await sendAndFollow(
      mb,
      mb.getByRole('button', { name: 'Senden', exact: true }),
      '/follow-up/mailbox',
    );
    expect(reply.status()).toBe(303);
    expect(mb.url()).toContain('/follow-up/mailbox?done=sent');
    expect(await mb.locator('[role="status"]').textContent()).toContain('Ihre Nachricht wurde gesendet.');
    const mine = mb.locator('article.message:not(.message--staff)');
    expect(await mine.count()).toBe(1);
    expect(await mine.innerText()).toContain('Hier ist noch der Brief der Firma.');
    // the person sees that the file went with the message (mailbox.attached_files); collected, so the
    // counsellor's reply below is still checked
    if (!(await mine.innerText()).includes('1 Datei(en) angehängt'))
      problems.push(
        `mailbox-sent-de: own message does not say "1 Datei(en) angehängt": ${await mine.innerText()}`,
      );
    problems.push(...(await inspect(mb, 'mailbox-sent-de', 'de', 'ltr')));

    // the counsellor sees the answer and its file, and writes back
    const [reportId] = await reportsContaining('Hier ist noch der Brief der Firma.');
    expect(reportId).toBeDefined();
    const detail = await counsellor.get(`/staff/reports/${reportId}`);
    expect(detail.body).toContain('Hier ist noch der Brief der Firma.');
    expect(detail.body.match(/\/attachments\//g)?.length).toBe(2); // the photo and the PDF
    const sent = await counsellor.post(`/staff/reports/${reportId}/messages`, {
      body: 'Guten Tag, danke für den Brief. Wir rufen Sie nicht an, wir schreiben hier.',
    });
    expect(sent.status).toBe(303);

    const again = await go(mb, '/follow-up/mailbox');
    expect(again.status()).toBe(200);
    const fromStaff = mb.locator('article.message--staff');
    expect(await fromStaff.count()).toBe(1);
    expect(await fromStaff.innerText()).toContain('Wir rufen Sie nicht an, wir schreiben hier.');
    expect(await fromStaff.innerText()).toContain('Von der Beratung');
    problems.push(...(await inspect(mb, 'mailbox-reply-de', 'de', 'ltr')));
    expect(problems).toEqual([]);
  });

  it('Arabic mailbox: log in, status in Arabic, answer with a file, read the counsellor’s reply', async () => {
    const mb = await phone('ar');
    await go(mb, '/follow-up?lang=ar');
    const problems = await inspect(mb, 'follow-up-ar', 'ar', 'rtl');
    const post = await openMailbox(mb, receiptAr, 'فتح صندوق الرسائل');
    expect(post.status()).toBe(303);
    expect(new URL(mb.url()).pathname).toBe('/follow-up/mailbox');
    expect(await mb.locator('.kern-badge').textContent()).toBe('تم الاستلام');
    problems.push(...(await inspect(mb, 'mailbox-ar', 'ar', 'rtl')));

    await mb.locator('#body').fill('هذه صورة من الرسالة.');
    await mb.setInputFiles('#files-input', fixturePath('tiny.pdf'));
    const reply = await sendAndFollow(
      mb,
      mb.getByRole('button', { name: 'إرسال', exact: true }),
      '/follow-up/mailbox',
    );
    expect(reply.status()).toBe(303);
    expect(await mb.locator('[role="status"]').textContent()).toContain('أُرسلت رسالتك.');
    const mineAr = await mb.locator('article.message:not(.message--staff)').innerText();
    if (!mineAr.includes('عدد الملفات المرفقة: 1'))
      problems.push(`mailbox-sent-ar: own message does not say "عدد الملفات المرفقة: 1": ${mineAr}`);
    problems.push(...(await inspect(mb, 'mailbox-sent-ar', 'ar', 'rtl')));

    const [reportId] = await reportsContaining('هذه صورة من الرسالة.');
    expect(reportId).toBeDefined();
    expect(
      (await counsellor.post(`/staff/reports/${reportId}/messages`, { body: 'مرحبًا، شكرًا على رسالتك.' }))
        .status,
    ).toBe(303);
    await go(mb, '/follow-up/mailbox');
    const fromStaff = mb.locator('article.message--staff');
    expect(await fromStaff.count()).toBe(1);
    expect(await fromStaff.innerText()).toContain('مرحبًا، شكرًا على رسالتك.');
    expect(await fromStaff.innerText()).toContain('من فريق الاستشارة');
    problems.push(...(await inspect(mb, 'mailbox-reply-ar', 'ar', 'rtl')));
    expect(problems).toEqual([]);
  });

  it('made no request to any other origin during the whole walk', () => {
    const foreign = [...recorders.values()].flatMap((r) => r.foreign(t.url));
    expect(foreign).toEqual([]);
  });
});
