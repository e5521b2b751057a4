import type { Logger } from 'pino';
import type { AppConfig } from './config/app-config.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import { runMigrationsLocked } from './database/migrator.js';
import { applyAppRoleGrants, roleOf } from './database/roles.js';

export interface Runtime {
  /** the URL the app connects with (restricted role in production) */
  databaseUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * Resolves the database before Nest starts: the configured PostgreSQL, or an embedded server when
 * DATABASE_URL is unset. Runs migrations (owner role, advisory lock) and the app role's grants.
 */
export async function prepareRuntime(config: AppConfig, log: Logger): Promise<Runtime> {
  let databaseUrl = config.database.url;
  let migrationUrl = config.database.migrationUrl;
  let stop: () => Promise<void> = async () => undefined;
  const embedded = !databaseUrl;
  if (!databaseUrl) {
    const started = Date.now();
    const db = await startEmbeddedPostgres(config.database.embeddedDataDir, (m) => log.warn(m));
    databaseUrl = db.url;
    migrationUrl = db.url;
    stop = () => db.stop();
    log.warn(
      { dataDir: config.database.embeddedDataDir, ms: Date.now() - started },
      'EMBEDDED MODE: PostgreSQL started by the app (data in the data directory), queues on its PostgreSQL backend. ' +
        'For trying out and one small office only: production wants a managed PostgreSQL + Redis (see README).',
    );
  } else {
    log.info({ queueBackend: config.queue.backend }, 'PostgreSQL mode: external database');
  }
  if (config.database.runMigrations) {
    const { applied } = await runMigrationsLocked(migrationUrl ?? databaseUrl);
    if (applied.length) log.info({ applied }, 'migrations applied');
    const appRole = roleOf(databaseUrl);
    if (migrationUrl && appRole !== roleOf(migrationUrl)) await applyAppRoleGrants(migrationUrl, appRole);
  }
  return { databaseUrl, embedded, stop };
}
