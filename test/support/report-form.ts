import type { Client, Res } from './client.js';

/** A complete, valid report as the public form posts it. */
export function validReport(
  overrides: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
  return {
    reporterRole: 'affected',
    narrative: 'Beim Einlass in den Club wurde nur ich abgewiesen.',
    whenKind: 'date',
    incidentDate: '2026-11-20',
    district: 'mitte',
    grounds: ['ethnic_origin'],
    lifeArea: 'goods_services',
    contactChannel: 'none',
    consentStore: 'yes',
    preferredLanguage: 'de',
    ...overrides,
  };
}

/** The hidden fields of the form page the client last loaded. */
export function hiddenFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['idempotencyKey', 'startedAt', 'draftToken']) {
    const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
    if (m) out[name] = m[1];
  }
  return out;
}

/** Loads /report, waits past the minimum fill time (by back-dating nothing: the test waits), posts. */
export async function submitForm(
  c: Client,
  fields: Record<string, string | string[]>,
  opts: { lang?: string; files?: { name: string; data: Buffer }[] } = {},
): Promise<Res> {
  const page = await c.get(`/report${opts.lang ? `?lang=${opts.lang}` : ''}`);
  const hidden = hiddenFields(page.body);
  await new Promise((r) => setTimeout(r, 3_100));
  return postMultipart(c, '/report', { ...hidden, ...fields }, opts.files ?? []);
}

/** A multipart post with the page's CSRF token, as a browser sends it. */
export function postMultipart(
  c: Client,
  path: string,
  fields: Record<string, string | string[]>,
  files: { name: string; data: Buffer }[] = [],
): Promise<Res> {
  const form = new FormData();
  form.append('_csrf', c.csrf);
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.data)]), f.name);
  return c.request('POST', path, { body: form, headers: { 'sec-fetch-site': 'same-origin' } });
}

export function receiptIn(page: string): string | null {
  return /class="receipt-code[^"]*"[^>]*>(\d{4}-\d{4}-\d{4}-\d{4})</.exec(page)?.[1] ?? null;
}
