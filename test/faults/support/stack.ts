import { randomBytes } from 'node:crypto';
import { startApp, type RunningApp } from '../../support/app.js';
import { Client } from '../../support/client.js';
import type { TestDatabase } from '../../support/database.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';
import { LocalPostgres, LocalRedis, stopAll, track, WorkerProcess } from './services.js';

/**
 * The production shape on services of the test's own: PostgreSQL and Redis started with
 * .ci/services.sh, the built app (HTTP only, WORKERS_IN_PROCESS=false) and a separate worker process,
 * e-mail into a real SMTP sink. `close()` stops everything, also after a failed test.
 */
export interface FaultStack {
  pg: LocalPostgres;
  redis: LocalRedis;
  smtp: SmtpSink;
  db: TestDatabase;
  app: RunningApp;
  worker: WorkerProcess;
  admin: Client;
  serviceCentreId: string;
  close(): Promise<void>;
}

export async function startFaultStack(name: string, env: Record<string, string> = {}): Promise<FaultStack> {
  const pg = await LocalPostgres.start();
  const redis = await LocalRedis.start();
  const smtp = await startSmtpSink();
  const db = await pg.createDatabase(name);
  const prefix = `anlfault-${name}-${randomBytes(3).toString('hex')}`;
  const common = { SMTP_URL: smtp.url, QUEUE_PREFIX: prefix, REDIS_URL: redis.url, ...env };
  // a generous start-up limit: the machine running CI may be busy
  const app = await startApp({ ...common, WORKERS_IN_PROCESS: 'false' }, { db, readyTimeoutMs: 120_000 });
  track(app.proc);
  const worker = WorkerProcess.forApp(db, redis.url, common);
  const admin = new Client(app.url);
  await admin.login(app.admin.email, app.admin.password);
  await admin.post('/account/password', {
    currentPassword: app.admin.password,
    newPassword: `${name} admin passphrase`,
  });
  await admin.get('/staff');
  const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { id: string; kind: string }[];
  const serviceCentreId = orgs.find((o) => o.kind === 'service_centre')!.id;
  return {
    pg,
    redis,
    smtp,
    db,
    app,
    worker,
    admin,
    serviceCentreId,
    async close() {
      await worker.kill().catch(() => undefined);
      await app.stop().catch(() => undefined);
      await smtp.stop().catch(() => undefined);
      stopAll();
    },
  };
}
