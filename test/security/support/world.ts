import type { RouteAccess } from '../../../src/common/http/route-inventory.js';
import { appRoutes, startApp, type RunningApp } from '../../support/app.js';
import { Client, type Res } from '../../support/client.js';
import { createStaffUser, firstAdmin } from '../../support/fixtures.js';
import { receiptIn, submitForm, validReport } from '../../support/report-form.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';

export const ROLES = ['admin', 'counsellor', 'officer', 'partner'] as const;
export type Role = (typeof ROLES)[number];
export type Side = 'A' | 'B';

export interface Staff {
  client: Client;
  id: string;
  email: string;
  role: Role;
  side: Side;
  organisationId: string;
}

export { appRoutes, firstAdmin };

/** The `<form method="post" action="…">` targets of a page, as rendered. */
export function postForms(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<form\b[^>]*>/g)) {
    const tag = m[0];
    if (!/method="post"/i.test(tag)) continue;
    const action = /action="([^"]*)"/.exec(tag)?.[1];
    if (action) out.push(action.replace(/&amp;/g, '&').replace(/[?#].*$/, ''));
  }
  return out;
}

export interface World {
  t: RunningApp;
  sink: SmtpSink;
  routes: RouteAccess[];
  /** side A owns the objects; side B is the other organisation with the same four roles */
  staff: Record<Side, Record<Role, Staff>>;
  orgs: { SZI: string; BNO: string; PA: string; PB: string };
  /** objects owned by side A */
  obj: {
    receipt: string;
    reportId: string;
    attachmentId: string;
    inboxReportId: string;
    caseId: string;
    taskId: string;
    referralId: string;
    periodicReportId: string;
    victimUserId: string;
  };
  /** a logged-in reporter (mailbox page session) */
  reporter: Client;
}

export const MARKER_NARRATIVE = 'NARRATIVEMARK7731 Der Türsteher sagte etwas';
export const MARKER_EMAIL = 'contactmark7731@example.net';
export const MARKER_PHONE = '0345 7731 7731';

/**
 * Two organisations (the service centre SZI with partner organisation PA; the counselling service BNO
 * with partner organisation PB), each with an admin, a counsellor, an officer and a partner, and every
 * kind of object the router exposes owned by side A: a report with an attachment, an inbox report, a
 * case with a task, a sent referral, a periodic PDF report, a staff account.
 */
export async function buildWorld(env: Record<string, string> = {}): Promise<World> {
  const sink = await startSmtpSink();
  const t = await startApp({
    SMTP_URL: sink.url,
    WORKERS_IN_PROCESS: 'true',
    INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000',
    ...env,
  });
  const admin = await firstAdmin(t);
  for (const [name, code, kind] of [
    ['Beratung Nord', 'BNO', 'counselling'],
    ['Rechtshilfe A', 'PA', 'partner_service'],
    ['Rechtshilfe B', 'PB', 'partner_service'],
  ]) {
    const res = await admin.api('POST', '/api/v1/admin/organisations', { name, code, kind });
    if (res.status !== 201) throw new Error(`organisation ${code}: ${res.status} ${res.body}`);
  }
  const list = (await admin.get('/api/v1/admin/organisations')).json() as { id: string; code: string }[];
  const org = (code: string) => list.find((o) => o.code === code)!.id;
  const orgs = { SZI: org('SZI'), BNO: org('BNO'), PA: org('PA'), PB: org('PB') };
  for (const p of [orgs.PA, orgs.PB]) {
    const res = await admin.api('PUT', `/api/v1/partners/${p}`, {
      services: ['legal_aid'],
      languages: ['de'],
      districts: ['citywide'],
      takesReferrals: true,
      published: true,
    });
    if (res.status !== 200) throw new Error(`partner entry: ${res.status} ${res.body}`);
  }
  const me = (await admin.get('/api/v1/me')).json() as { id: string };
  const staff = { A: {}, B: {} } as Record<Side, Record<Role, Staff>>;
  staff.A.admin = {
    client: admin,
    id: me.id,
    email: t.admin.email,
    role: 'admin',
    side: 'A',
    organisationId: orgs.SZI,
  };
  const homes: Record<Side, Record<Role, string>> = {
    A: { admin: orgs.SZI, counsellor: orgs.SZI, officer: orgs.SZI, partner: orgs.PA },
    B: { admin: orgs.BNO, counsellor: orgs.BNO, officer: orgs.BNO, partner: orgs.PB },
  };
  for (const side of ['A', 'B'] as const)
    for (const role of ROLES) {
      if (side === 'A' && role === 'admin') continue;
      const key = `${role}${side.toLowerCase()}`;
      const made = await createStaffUser(admin, t.url, homes[side][role], key, role);
      staff[side][role] = { ...made, role, side, organisationId: homes[side][role] };
    }
  const victim = await admin.api('POST', '/api/v1/admin/users', {
    organisationId: orgs.SZI,
    email: 'victim@example.org',
    displayName: 'Victim',
    role: 'counsellor',
  });
  const counsellor = staff.A.counsellor.client;

  // a report with contact data and an attachment, through the public form
  const page = await submitForm(
    new Client(t.url),
    validReport({
      narrative: MARKER_NARRATIVE,
      consentShare: 'yes',
      consentContact: 'yes',
      contactChannel: 'email',
      contactEmail: MARKER_EMAIL,
    }),
    { files: [{ name: 'protokoll.txt', data: Buffer.from('Gedächtnisprotokoll, Seite 1\n') }] },
  );
  const receipt = receiptIn(page.body);
  if (!receipt) throw new Error(`report form: ${page.status} ${page.body.slice(0, 500)}`);
  const inbox = (await counsellor.get('/api/v1/inbox')).json() as { id: string }[];
  const reportId = inbox[0].id;
  const detail = await counsellor.get(`/staff/reports/${reportId}`);
  const attachmentId = /\/attachments\/([0-9a-f-]{36})/.exec(detail.body)?.[1];
  if (!attachmentId) throw new Error('no attachment link on the report page');
  const opened = await counsellor.api('POST', `/api/v1/inbox/${reportId}/open`);
  if (opened.status !== 201) throw new Error(`open case: ${opened.status}`);
  const caseId = opened.json().id as string;
  await counsellor.api('POST', `/api/v1/cases/${caseId}/tasks`, { title: 'Rückruf', dueDate: '2026-12-20' });
  const file = (await counsellor.get(`/api/v1/cases/${caseId}`)).json();
  const taskId = file.tasks[0].id as string;
  // a second report stays in the inbox
  const second = await new Client(t.url).request('POST', '/api/v1/reports', {
    json: { ...validReport({ narrative: 'Zweiter Bericht' }), consentStore: true, consentShare: true },
  });
  if (second.status !== 201) throw new Error(`second report: ${second.status}`);
  const inbox2 = (await counsellor.get('/api/v1/inbox')).json() as { id: string }[];
  const inboxReportId = inbox2[0].id;
  // a sent referral to partner organisation PA
  const referral = await counsellor.api('POST', '/api/v1/referrals', {
    caseId,
    toOrganisationId: orgs.PA,
    serviceType: 'legal_aid',
    summary: 'Bitte um Rechtsberatung',
    sharedFields: ['grounds'],
  });
  if (referral.status !== 201) throw new Error(`referral: ${referral.status} ${referral.body}`);
  const referralId = referral.json().id as string;
  const sent = await counsellor.api('POST', `/api/v1/referrals/${referralId}/send`, {});
  if (sent.status !== 200) throw new Error(`send: ${sent.status} ${sent.body}`);
  // a periodic report, rendered by the worker
  const year = String(new Date().getUTCFullYear());
  const requested = await staff.A.officer.client.api('POST', '/api/v1/periodic-reports', {
    period: year,
    kind: 'year',
    language: 'de',
  });
  if (requested.status !== 202) throw new Error(`periodic report: ${requested.status} ${requested.body}`);
  const periodicReportId = requested.json().id as string;
  await waitForPdf(staff.A.officer.client, periodicReportId);
  // the reporter logs in to the mailbox pages
  const reporter = new Client(t.url);
  await reporter.get('/follow-up');
  const login = await reporter.post('/follow-up', { receipt });
  if (login.status !== 303) throw new Error(`mailbox login: ${login.status}`);
  await reporter.get('/follow-up/mailbox');

  return {
    t,
    sink,
    routes: await appRoutes(t),
    staff,
    orgs,
    obj: {
      receipt,
      reportId,
      attachmentId,
      inboxReportId,
      caseId,
      taskId,
      referralId,
      periodicReportId,
      victimUserId: victim.json().id as string,
    },
    reporter,
  };
}

export async function waitForPdf(officer: Client, id: string): Promise<void> {
  let status = 'queued';
  for (let i = 0; i < 240 && (status === 'queued' || status === 'running'); i++) {
    await new Promise((r) => setTimeout(r, 500));
    status = (await officer.get(`/api/v1/periodic-reports/${id}`)).json().status as string;
  }
  if (status !== 'done') throw new Error(`periodic report ${id} ended as ${status}`);
}

export async function closeWorld(w: World | undefined): Promise<void> {
  await w?.t.close();
  await w?.sink.stop();
}

/** Sends `method url` as the given client would: a page form for page routes, JSON for the API. */
export function send(
  c: Client,
  method: string,
  url: string,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Res> {
  if (method === 'GET') return c.request('GET', url, { headers });
  if (url.startsWith('/api/'))
    return c.request(method, url, { json: body, headers: { 'x-csrf-token': c.csrf, ...headers } });
  const form: Record<string, string | string[]> = { _csrf: c.csrf };
  for (const [k, v] of Object.entries(body)) form[k] = Array.isArray(v) ? v.map(String) : String(v);
  return c.request(method, url, { form, headers: { 'sec-fetch-site': 'same-origin', ...headers } });
}
