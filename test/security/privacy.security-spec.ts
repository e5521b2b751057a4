import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { startApp, type RunningApp } from '../support/app.js';
import { launchBrowser, recordRequests } from '../support/browser.js';
import { Client } from '../support/client.js';
import { REDIS_URL } from '../support/env.js';
import { createStaffUser, withOwner } from '../support/fixtures.js';
import { receiptIn, submitForm, validReport } from '../support/report-form.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { appRoutes, firstAdmin } from './support/world.js';

const NARRATIVE = 'PRIVNARR5521 Die Sachbearbeiterin lachte über meinen Akzent';
const EMAIL = 'privmail5521@example.net';
const NAME = 'Privname Fünfundfünfzig';
const REPLY = 'PRIVREPLY5521 Ich kann dienstags';
const ANSWER = 'PRIVANSWER5521 Wir rufen Sie an';
const SUMMARY = 'PRIVSUMMARY5521 bitte Termin';
const CLIENT_IP = '203.0.113.77';
const USER_AGENT = 'PrivacyProbe/5.5 (PRIVUA5521)';
const LANGS = ['de', 'en', 'ar', 'uk', 'tr', 'ru', 'fa', 'ls'];

/** Everything under the run's queue prefix, keys and values, as one string (never the whole Redis). */
async function dumpRedis(prefix: string): Promise<{ keys: number; text: string; jobs: string[] }> {
  const redis = new Redis(REDIS_URL);
  const parts: string[] = [];
  const jobs: string[] = [];
  let keys = 0;
  try {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of batch) {
        keys++;
        parts.push(key);
        const type = await redis.type(key);
        if (type === 'string') parts.push((await redis.get(key)) ?? '');
        else if (type === 'hash') {
          const h = await redis.hgetall(key);
          parts.push(JSON.stringify(h));
          if (h.data !== undefined) jobs.push(h.data);
        } else if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
        else if (type === 'set') parts.push(...(await redis.smembers(key)));
        else if (type === 'zset') parts.push(...(await redis.zrange(key, 0, -1)));
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return { keys, text: parts.join('\n'), jobs };
}

/**
 * After a full journey — a report with contact data, the mailbox, a counsellor's answer, a referral the
 * partner accepts — nothing personal and no receipt is in the app's logs, in Redis or in a job's
 * payload; and no public page makes the browser ask any other origin for anything.
 */
describe('security: privacy', () => {
  let t: RunningApp;
  let sink: SmtpSink;
  let receipt: string;
  const prefix = `anlsec-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startApp({
      SMTP_URL: sink.url,
      WORKERS_IN_PROCESS: 'true',
      INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000',
      TRUST_PROXY: 'true',
      QUEUE_PREFIX: prefix,
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('keeps personal data and receipts out of the logs, Redis and job payloads after a full journey', async () => {
    const headers = { 'x-forwarded-for': CLIENT_IP, 'user-agent': USER_AGENT };
    const admin = await firstAdmin(t);
    const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { id: string; code: string }[];
    expect(
      (
        await admin.api('POST', '/api/v1/admin/organisations', {
          name: 'Hilfe',
          code: 'HLF',
          kind: 'partner_service',
        })
      ).status,
    ).toBe(201);
    const partnerOrg = (
      (await admin.get('/api/v1/admin/organisations')).json() as { id: string; code: string }[]
    ).find((o) => o.code === 'HLF')!.id;
    expect(
      (
        await admin.api('PUT', `/api/v1/partners/${partnerOrg}`, {
          services: ['legal_aid'],
          takesReferrals: true,
          published: true,
        })
      ).status,
    ).toBe(200);
    const counsellor = (
      await createStaffUser(admin, t.url, orgs.find((o) => o.code === 'SZI')!.id, 'privc', 'counsellor')
    ).client;
    const partner = (await createStaffUser(admin, t.url, partnerOrg, 'privp', 'partner')).client;

    // the reporter: the form with contact data, then the mailbox with a reply
    const reporter = new Client(t.url, headers);
    const page = await submitForm(
      reporter,
      validReport({
        narrative: NARRATIVE,
        contactChannel: 'email',
        contactEmail: EMAIL,
        contactName: NAME,
        consentContact: 'yes',
        consentShare: 'yes',
      }),
    );
    receipt = receiptIn(page.body)!;
    expect(receipt).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/);
    const inbox = (await counsellor.get('/api/v1/inbox')).json() as { id: string }[];
    const reportId = inbox[0].id;
    const opened = await counsellor.api('POST', `/api/v1/inbox/${reportId}/open`);
    const caseId = opened.json().id as string;
    expect(
      (await counsellor.api('POST', `/api/v1/cases/${caseId}/messages`, { reportId, body: ANSWER })).status,
    ).toBe(201);
    const box = new Client(t.url, headers);
    await box.get('/follow-up');
    expect((await box.post('/follow-up', { receipt })).status).toBe(303);
    const mailbox = await box.get('/follow-up/mailbox');
    expect(mailbox.body).toContain('PRIVANSWER5521');
    await box.request('POST', '/follow-up/messages', {
      body: (() => {
        const f = new FormData();
        f.append('_csrf', box.csrf);
        f.append('body', REPLY);
        return f;
      })(),
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    const token = (
      await new Client(t.url, headers).request('POST', '/api/v1/mailbox/session', { json: { receipt } })
    ).json().token as string;
    const api = await new Client(t.url, headers).request('GET', '/api/v1/mailbox', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.body).toContain('PRIVREPLY5521');
    // a wrong receipt, to see that failed logins do not log the code either
    await box.post('/follow-up', { receipt: '1234-5678-9012-3456' });
    // the referral, accepted by the partner
    const referral = await counsellor.api('POST', '/api/v1/referrals', {
      caseId,
      toOrganisationId: partnerOrg,
      serviceType: 'legal_aid',
      summary: SUMMARY,
      sharedFields: ['grounds', 'contact'],
    });
    const referralId = referral.json().id as string;
    expect((await counsellor.api('POST', `/api/v1/referrals/${referralId}/send`, {})).status).toBe(200);
    expect((await partner.api('POST', `/api/v1/partner/referrals/${referralId}/accept`)).status).toBe(204);

    // let the outbox and the queue finish their work
    const deadline = Date.now() + 60_000;
    for (;;) {
      const open = await withOwner(t.db.ownerUrl, (c) =>
        c.query(
          `SELECT count(*)::int AS n FROM outbox_message WHERE completed_at IS NULL AND cancelled_at IS NULL`,
        ),
      );
      if (open.rows[0].n === 0) break;
      if (Date.now() > deadline) throw new Error(`${open.rows[0].n} outbox messages still open`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(sink.messages.length).toBeGreaterThanOrEqual(2);

    const secrets = [
      'PRIVNARR5521',
      'PRIVREPLY5521',
      'PRIVANSWER5521',
      'PRIVSUMMARY5521',
      'privmail5521',
      'Privname',
      receipt,
      receipt.replace(/-/g, ''),
      '1234-5678-9012-3456',
      '123456789012 3456'.replace(' ', ''),
      CLIENT_IP,
      'PRIVUA5521',
    ];
    expect(t.output.length).toBeGreaterThan(20);
    const redis = await dumpRedis(prefix);
    expect(redis.keys).toBeGreaterThan(5);
    expect(redis.jobs.length).toBeGreaterThan(0);
    const places: Record<string, string> = {
      logs: t.output.join('\n'),
      redis: redis.text,
      'e-mails': sink.messages.map((m) => JSON.stringify(m)).join('\n'),
      // the outbox rows the jobs came from (the PostgreSQL side of the same payloads)
      outbox: (
        await withOwner(t.db.ownerUrl, (c) =>
          c.query(`SELECT name, payload::text AS payload FROM outbox_message`),
        )
      ).rows
        .map((r: { name: string; payload: string }) => `${r.name} ${r.payload}`)
        .join('\n'),
    };
    expect(places.outbox.length).toBeGreaterThan(0);
    const leaks = Object.entries(places).flatMap(([where, text]) =>
      secrets.filter((s) => text.includes(s)).map((s) => `${s} in ${where}`),
    );
    expect(leaks).toEqual([]);
    // job payloads carry ids and codes only
    for (const data of redis.jobs) {
      const payload = JSON.parse(data) as Record<string, unknown>;
      for (const key of Object.keys(payload))
        expect(key).not.toMatch(/email|name|phone|narrative|body|receipt|address/i);
    }
  }, 300_000);

  describe('in the browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    }, 60_000);
    afterAll(() => browser?.close());

    it('makes no request to another origin from any public page, in every language, with JavaScript on', async () => {
      const routes = await appRoutes(t);
      const pages = routes
        .filter((r) => r.method === 'GET' && r.access === 'public' && !/^\/(health|metrics)/.test(r.url))
        .map((r) => r.url);
      expect(pages).toEqual(
        expect.arrayContaining(['/', '/report', '/follow-up', '/help', '/privacy', '/login']),
      );
      const context = await browser.newContext({ javaScriptEnabled: true, serviceWorkers: 'block' });
      const rec = recordRequests(context);
      const page = await context.newPage();
      let visited = 0;
      for (const path of pages)
        for (const lang of LANGS) {
          const res = await page.goto(`${t.url}${path}?lang=${lang}`);
          expect(res?.status()).toBeLessThan(400);
          await page.waitForLoadState('networkidle');
          visited++;
        }
      // the mailbox after a receipt login, and the API documentation (Swagger UI runs script)
      await page.goto(`${t.url}/follow-up`);
      await page.fill('input[name="receipt"]', receipt);
      await Promise.all([
        page.waitForNavigation(),
        page.click('form[action="/follow-up"] button[type="submit"]'),
      ]);
      expect(page.url()).toContain('/follow-up/mailbox');
      await page.goto(`${t.url}/api/docs`);
      await page.waitForLoadState('networkidle');
      expect(visited).toBeGreaterThanOrEqual(pages.length * LANGS.length);
      expect(rec.urls.length).toBeGreaterThan(visited);
      expect(rec.foreign(t.url)).toEqual([]);
      await context.close();
    }, 300_000);
  });
});
