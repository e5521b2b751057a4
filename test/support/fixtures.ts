import pg from 'pg';
import { Client } from './client.js';

/** Runs `fn` with a connection as the database owner (to look behind the app's back), then closes it. */
export async function withOwner<T>(ownerUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Creates a staff account through the admin API and logs it in (second factor enrolled where the
 * role needs it, one-time password replaced), ready for requests. `<key>@example.org` is the login,
 * `<key> passphrase long` the password.
 */
export async function createStaffUser(
  admin: Client,
  baseUrl: string,
  organisationId: string,
  key: string,
  role: string,
): Promise<{ client: Client; id: string; email: string; password: string; secret?: string }> {
  const email = `${key}@example.org`;
  const created = (
    await admin.api('POST', '/api/v1/admin/users', { organisationId, email, displayName: key, role })
  ).json();
  const client = new Client(baseUrl);
  const { secret } = await client.login(email, created.oneTimePassword);
  const password = `${key} passphrase long`;
  await client.post('/account/password', { currentPassword: created.oneTimePassword, newPassword: password });
  await client.get('/staff');
  // the password and the TOTP secret (roles with a second factor), so a browser can log in as well
  return { client, id: created.id, email, password, secret };
}
