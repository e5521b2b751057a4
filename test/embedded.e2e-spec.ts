import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/**
 * The newcomer's path: no DATABASE_URL, no REDIS_URL. The app starts its own PostgreSQL, generates a
 * master key, creates the first admin, and runs a job through BullMQ's PostgreSQL backend.
 */
describe('embedded mode smoke test', () => {
  let dataDir: string;
  let app: RunningApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'anl-embedded-'));
    smtp = await startSmtpSink();
    app = await startApp(
      { SMTP_URL: smtp.url, NODE_ENV: 'development' },
      { embeddedDataDir: dataDir, readyTimeoutMs: 90_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await smtp?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says which mode runs and that production wants PostgreSQL + Redis', () => {
    const line = app.output.find((l) => l.includes('EMBEDDED MODE'));
    expect(line).toBeDefined();
    expect(line).toContain('production wants a managed PostgreSQL + Redis');
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'master.key'))).toBe(true);
  });

  it('is ready: /health answers with the database and the PostgreSQL queue backend', async () => {
    const res = await fetch(`${app.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      database: 'ok',
      queue: 'ok',
      queueBackend: 'postgres',
    });
  });

  it('lets the printed admin log in and sends a test e-mail through the PostgreSQL queue', async () => {
    expect(app.admin.password).toMatch(/^[A-Za-z0-9]{20}$/);
    const c = new Client(app.url);
    await c.login(app.admin.email, app.admin.password);
    expect(
      (
        await c.post('/account/password', {
          currentPassword: app.admin.password,
          newPassword: 'embedded admin passphrase',
        })
      ).status,
    ).toBe(303);
    await c.get('/admin/settings');
    const queued = await c.post('/admin/test-email');
    expect(queued.status).toBe(303);
    const [mail] = await smtp.waitFor(1, 30_000);
    expect(mail.to).toEqual([app.admin.email]);
    expect(mail.messageId).toMatch(/^<outbox-\d+@localhost>$/);
  }, 60_000);

  it('stops its PostgreSQL server on shutdown', async () => {
    await app.stop();
    expect(app.proc.exitCode).toBe(0);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 30_000);
});
