import { DataSource } from 'typeorm';
import pg from 'pg';
import { buildDataSourceOptions } from './data-source.js';

/** Arbitrary but fixed: app and worker may start at the same moment; TypeORM has no migration lock. */
const MIGRATION_LOCK_KEY = 4_711_2026;

export interface MigrationOutcome {
  applied: string[];
}

/** Runs pending migrations as the owner role under a PostgreSQL advisory lock. */
export async function runMigrationsLocked(migrationUrl: string): Promise<MigrationOutcome> {
  const lockClient = new pg.Client({ connectionString: migrationUrl });
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const ds = new DataSource({
      ...buildDataSourceOptions(migrationUrl, 2),
      migrationsTransactionMode: 'each',
    });
    await ds.initialize();
    try {
      const done = await ds.runMigrations({ transaction: 'each' });
      return { applied: done.map((m) => m.name) };
    } finally {
      await ds.destroy();
    }
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockClient.end();
  }
}

export async function revertLastMigration(migrationUrl: string): Promise<void> {
  const ds = new DataSource(buildDataSourceOptions(migrationUrl, 2));
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** SQL statements needed to bring the schema in line with the entities (empty = no drift). */
export async function pendingSchemaChanges(migrationUrl: string): Promise<string[]> {
  const ds = new DataSource(buildDataSourceOptions(migrationUrl, 2));
  await ds.initialize();
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    await ds.destroy();
  }
}
