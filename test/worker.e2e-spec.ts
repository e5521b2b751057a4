import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths.js';
import { startApp, TEST_DATA_KEY, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { REDIS_URL } from './support/env.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/** The production shape: the HTTP process only enqueues; a separate worker process sends the e-mail. */
describe('separate worker process', () => {
  let app: RunningApp;
  let smtp: SmtpSink;
  let worker: ChildProcess;
  const prefix = `anltest-worker-${process.pid}`;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await startApp({ SMTP_URL: smtp.url, WORKERS_IN_PROCESS: 'false', QUEUE_PREFIX: prefix });
  }, 60_000);
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await app?.close();
    await smtp?.stop();
  });

  it('delivers a queued e-mail only once the worker runs, and the worker stops cleanly', async () => {
    const c = new Client(app.url);
    await c.login(app.admin.email, app.admin.password);
    await c.post('/account/password', {
      currentPassword: app.admin.password,
      newPassword: 'worker admin passphrase',
    });
    await c.get('/admin/settings');
    expect((await c.post('/admin/test-email')).status).toBe(303);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(smtp.messages).toHaveLength(0); // the HTTP process does not consume
    worker = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/src/worker.js')], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: app.db.appUrl,
        MIGRATION_DATABASE_URL: app.db.ownerUrl,
        REDIS_URL,
        DATA_KEY: TEST_DATA_KEY,
        SMTP_URL: smtp.url,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const [mail] = await smtp.waitFor(1, 30_000);
    expect(mail.to).toEqual([app.admin.email]);
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
