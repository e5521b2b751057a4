/* global process, URL */
// A fresh database per benchmark run (anl_bench_<random>), migrated by the owner, used by the app
// through the restricted app role — the same two-role setup as production and the e2e tests.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrationsLocked } from '../../dist/src/database/migrator.js';
import { applyAppRoleGrants } from '../../dist/src/database/roles.js';

export const PG_ADMIN_URL =
  process.env.BENCH_PG_ADMIN_URL ??
  process.env.TEST_PG_ADMIN_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL =
  process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const APP_ROLE = 'anlaufstelle_app_bench';
const APP_ROLE_PASSWORD = 'app-bench-password';

function urlFor(database, user = 'postgres', password = '') {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${database}`;
  u.username = user;
  u.password = password;
  return u.toString();
}

async function admin(fn) {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** every database created by this process and not dropped yet (see dropAllCreated) */
const created = new Set();

/** Drops whatever this process created and did not drop (Ctrl-C or the watchdog cut a case short). */
export async function dropAllCreated() {
  await Promise.allSettled([...created].map((db) => db.drop()));
}

/** `migrate: false` leaves the database empty (the app migrates it at its first start). */
export async function createBenchDatabase({ migrate = true } = {}) {
  const name = `anl_bench_${randomBytes(5).toString('hex')}`;
  const serverVersion = await admin(async (c) => {
    try {
      await c.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          CREATE ROLE ${APP_ROLE} LOGIN PASSWORD '${APP_ROLE_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
        END IF;
      END $$`);
    } catch (e) {
      if (!String(e).includes('already exists')) throw e;
    }
    await c.query(`CREATE DATABASE ${name}`);
    return (await c.query('SHOW server_version')).rows[0].server_version;
  });
  const db = {
    name,
    serverVersion,
    ownerUrl: urlFor(name),
    appUrl: urlFor(name, APP_ROLE, APP_ROLE_PASSWORD),
    dropped: false,
    async drop() {
      if (db.dropped) return;
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      db.dropped = true;
      created.delete(db);
    },
  };
  created.add(db);
  if (!migrate) return db;
  try {
    await runMigrationsLocked(db.ownerUrl);
    await applyAppRoleGrants(db.ownerUrl, APP_ROLE);
  } catch (e) {
    await db.drop().catch(() => undefined);
    throw e;
  }
  return db;
}
