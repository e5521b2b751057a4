import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { APP_ROLE, APP_ROLE_PASSWORD, REDIS_URL } from './support/env.js';
import { hiddenFields, postMultipart, receiptIn, validReport } from './support/report-form.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { firstAdmin } from './support/fixtures.js';

/**
 * Outages, simulated with TCP proxies in front of the real services (the shared PostgreSQL and Redis
 * are never stopped): Redis away → the report is stored and its e-mail follows when Redis is back;
 * PostgreSQL away → 503, "nothing was stored", everything typed still in the form, no receipt.
 */
describe('intake during outages', () => {
  let db: TestDatabase;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let smtp: SmtpSink;
  let t: RunningApp;

  beforeAll(async () => {
    db = await createTestDatabase('outage');
    pgProxy = await startTcpProxy(5432);
    redisProxy = await startTcpProxy(Number(new URL(REDIS_URL).port || 6379));
    smtp = await startSmtpSink();
    const appUrl = new URL(db.appUrl);
    appUrl.port = String(pgProxy.port);
    appUrl.username = APP_ROLE;
    appUrl.password = APP_ROLE_PASSWORD;
    t = await startApp(
      {
        DATABASE_URL: appUrl.toString(),
        REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
        SMTP_URL: smtp.url,
        WORKERS_IN_PROCESS: 'true',
      },
      { db },
    );
    // a counsellor at the service centre, to receive the e-mail
    const admin = await firstAdmin(t, 'outage admin passphrase');
    const centre = (
      (await admin.get('/api/v1/admin/organisations')).json() as { id: string; kind: string }[]
    ).find((o) => o.kind === 'service_centre')!;
    await admin.api('POST', '/api/v1/admin/users', {
      organisationId: centre.id,
      email: 'c@example.org',
      displayName: 'C',
      role: 'counsellor',
    });
  }, 60_000);

  afterAll(async () => {
    redisProxy?.restore();
    pgProxy?.restore();
    await t?.close();
    await smtp?.stop();
    await pgProxy?.close();
    await redisProxy?.close();
  });

  async function count(): Promise<number> {
    const c = new pg.Client({ connectionString: db.ownerUrl });
    await c.connect();
    const { rows } = await c.query('SELECT count(*)::int AS n FROM report');
    await c.end();
    return rows[0].n;
  }

  it('stores the report while Redis is away and sends the e-mail once Redis is back', async () => {
    const c = new Client(t.url);
    const page = await c.get('/report');
    await new Promise((r) => setTimeout(r, 3_100));
    redisProxy.cut();
    const res = await postMultipart(c, '/report', {
      ...hiddenFields(page.body),
      ...validReport({ narrative: 'Während Redis weg ist.' }),
    });
    expect(res.status).toBe(200);
    expect(receiptIn(res.body)).not.toBeNull();
    expect(await count()).toBe(1);
    const health = (await (await fetch(`${t.url}/health`)).json()) as { status: string; queue: string };
    expect(health).toMatchObject({ status: 'ok', queue: 'degraded' });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(smtp.messages).toHaveLength(0);
    redisProxy.restore();
    const [mail] = await smtp.waitFor(1, 45_000);
    expect(mail.to).toEqual(['c@example.org']);
  }, 90_000);

  it('answers 503 without a receipt while PostgreSQL is away, keeps what was typed, and recovers without a restart', async () => {
    const c = new Client(t.url);
    const page = await c.get('/report');
    await new Promise((r) => setTimeout(r, 3_100));
    pgProxy.cut();
    const res = await postMultipart(c, '/report', {
      ...hiddenFields(page.body),
      ...validReport({ narrative: 'Während die Datenbank weg ist.' }),
    });
    expect(res.status).toBe(503);
    expect(receiptIn(res.body)).toBeNull();
    expect(res.body).toContain('Es wurde nichts gespeichert.');
    expect(res.body).toContain('Während die Datenbank weg ist.');
    const api = await c.request('POST', '/api/v1/reports', {
      json: { ...validReport(), consentStore: true },
    });
    expect(api.status).toBe(503);
    expect(api.json().error.code).toBe('unavailable');
    expect((await fetch(`${t.url}/health`)).status).toBe(503);
    pgProxy.restore();
    // the pool reconnects by itself
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await fetch(`${t.url}/health`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe(200);
    const again = await postMultipart(c, '/report', {
      ...hiddenFields(res.body),
      ...validReport({ narrative: 'Während die Datenbank weg ist.' }),
    });
    expect(again.status).toBe(200);
    expect(await count()).toBe(2);
  }, 90_000);
});
