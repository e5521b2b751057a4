/**
 * Where the test suites find the real services. CI and developer machines run PostgreSQL and Redis
 * on 127.0.0.1; override with TEST_PG_ADMIN_URL / TEST_REDIS_URL.
 */
export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Cluster-wide restricted role the app connects as in tests (created idempotently in global setup). */
export const APP_ROLE = 'anlaufstelle_app_test';
export const APP_ROLE_PASSWORD = 'app-test-password';

export function urlFor(database: string, user = 'postgres', password?: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${database}`;
  u.username = user;
  u.password = password ?? '';
  return u.toString();
}
