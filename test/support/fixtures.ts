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
 * The first-start admin (printed on the app's console) logged in, its one-time password replaced by
 * `password` — the session and its CSRF token rotate with the change, so /staff is loaded again.
 */
export async function firstAdmin(
  t: { url: string; admin: { email: string; password: string } },
  password = 'first admin passphrase long',
): Promise<Client> {
  const admin = new Client(t.url);
  await admin.login(t.admin.email, t.admin.password);
  const changed = await admin.post('/account/password', {
    currentPassword: t.admin.password,
    newPassword: password,
  });
  if (changed.status !== 303) throw new Error(`password change failed: ${changed.status}`);
  await admin.get('/staff');
  return admin;
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

/**
 * A partner organisation (kind `partner_service`) with its profile in the "find help" directory, created
 * by an admin; returns its id.
 */
export async function createPartnerOrganisation(
  admin: Client,
  organisation: { name: string; code: string },
  profile: Record<string, unknown>,
): Promise<string> {
  const created = await admin.api('POST', '/api/v1/admin/organisations', {
    ...organisation,
    kind: 'partner_service',
  });
  if (created.status !== 201) throw new Error(`organisation ${organisation.code}: ${created.status}`);
  const { id } = created.json() as { id: string };
  const saved = await admin.api('PUT', `/api/v1/partners/${id}`, profile);
  if (saved.status !== 200) throw new Error(`partner profile ${organisation.code}: ${saved.status}`);
  return id;
}
