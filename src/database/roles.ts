import pg from 'pg';

/**
 * Production runs two roles: the owner runs migrations, the app connects as a restricted role.
 * Run by the owner after migrations (idempotent). The app role may read and write the domain
 * tables but can never UPDATE, DELETE or TRUNCATE audit rows, nor change the schema.
 */
export async function applyAppRoleGrants(ownerUrl: string, appRole: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(appRole)) throw new Error(`unsafe role name: ${appRole}`);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`GRANT USAGE ON SCHEMA public TO ${appRole}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${appRole}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${appRole}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM ${appRole}`);
    await client.query(`REVOKE ALL ON migrations FROM ${appRole}`);
    await client.query(`GRANT SELECT ON migrations TO ${appRole}`);
    // BullMQ's PostgreSQL backend keeps its own schema when it is used
    const { rowCount } = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'bullmq'`);
    if (rowCount) {
      await client.query(`GRANT USAGE ON SCHEMA bullmq TO ${appRole}`);
      await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA bullmq TO ${appRole}`);
      await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA bullmq TO ${appRole}`);
      await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA bullmq TO ${appRole}`);
    }
  } finally {
    await client.end();
  }
}

/** The user name inside a postgres:// URL. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username || 'postgres');
}
