import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrationsLocked } from '../../src/database/migrator.js';
import { applyAppRoleGrants } from '../../src/database/roles.js';
import { APP_ROLE, APP_ROLE_PASSWORD, PG_ADMIN_URL, urlFor } from './env.js';

export interface TestDatabase {
  name: string;
  /** owner (migrations) */
  ownerUrl: string;
  /** the restricted app role: access rules are tested through this, never as a superuser */
  appUrl: string;
  drop(): Promise<void>;
}

/** A fresh database per test file, migrated, with the restricted app role's grants applied. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const name = `anl_${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const ownerUrl = urlFor(name);
  await runMigrationsLocked(ownerUrl);
  await applyAppRoleGrants(ownerUrl, APP_ROLE);
  return {
    name,
    ownerUrl,
    appUrl: urlFor(name, APP_ROLE, APP_ROLE_PASSWORD),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
