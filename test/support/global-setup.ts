import pg from 'pg';

// Jest loads the global setup outside its module mapping: no relative imports here. Keep these in
// sync with test/support/env.ts.
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const APP_ROLE = 'anlaufstelle_app_test';
const APP_ROLE_PASSWORD = 'app-test-password';

/** Roles are cluster-wide: create the restricted app role once, idempotently. Never stops a service. */
export default async function globalSetup(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} LOGIN PASSWORD '${APP_ROLE_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
      END IF;
    END $$`);
  } catch (e) {
    // two jest runs at once may race on CREATE ROLE; the role existing is all we need
    if (!String(e).includes('already exists')) throw e;
  } finally {
    await client.end();
  }
}
