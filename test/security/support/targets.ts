import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/common/paths.js';
import type { RouteAccess } from '../../../src/common/http/route-inventory.js';
import type { World } from './world.js';

/** Who owns the object a route points at: side A's organisation, or nobody in particular (installation-wide). */
export type Owner = 'A' | 'installation';

export interface Target {
  route: RouteAccess;
  url: string;
  owner: Owner;
  /** the last path segment, to pick a request body */
  action: string;
}

function templateFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...templateFiles(p));
    else if (name.endsWith('.hbs')) out.push(p);
  }
  return out;
}

export interface TemplateForm {
  file: string;
  action: string;
  /** path segments; `{{…}}` became `*`, `{{#if x}}a{{else}}b{{/if}}` became `a|b` */
  segments: string[];
}

/** Every `<form method="post" action="…">` in the templates (the report form's `{{formAction}}` aside). */
export function templateForms(): TemplateForm[] {
  const out: TemplateForm[] = [];
  for (const file of templateFiles(join(PROJECT_ROOT, 'templates'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/<form\b[^>]*>/g)) {
      if (!/method="post"/i.test(m[0])) continue;
      const action = /action="([^"]*)"/.exec(m[0])?.[1];
      if (!action || action === '{{formAction}}') continue;
      const normalised = action
        .replace(/\{\{#if [^}]*\}\}([\w-]+)\{\{else\}\}([\w-]+)\{\{\/if\}\}/g, '$1|$2')
        .replace(/\{\{[^}]*\}\}/g, '*');
      out.push({ file: file.slice(PROJECT_ROOT.length + 1), action, segments: normalised.split('/') });
    }
  }
  return out;
}

function segmentMatches(routeSeg: string, formSeg: string): boolean {
  return routeSeg.startsWith(':') || routeSeg === formSeg;
}

/** The templates' forms that post to this route. */
export function formsFor(route: RouteAccess, forms: TemplateForm[]): TemplateForm[] {
  const segs = route.url.split('/');
  return forms.filter(
    (f) => f.segments.length === segs.length && segs.every((s, i) => segmentMatches(s, f.segments[i])),
  );
}

/**
 * Concrete URLs for a route, with side A's objects in its parameters; `:action` takes every value a
 * template posts there. Throws for a parameter nobody taught the suite: a new object route must be
 * added here, so it cannot escape the access matrix.
 */
export function targetsFor(w: World, route: RouteAccess, forms: TemplateForm[]): Target[] {
  const o = w.obj;
  const u = route.url;
  let owner: Owner = 'A';
  const values: Record<string, string> = {};
  if (/\/cases\/:id/.test(u)) values.id = o.caseId;
  else if (/\/reports\/:id/.test(u) && u.startsWith('/staff/')) values.id = o.reportId;
  else if (/\/referrals\/:id/.test(u)) values.id = o.referralId;
  else if (/\/periodic-reports\/:id/.test(u)) {
    values.id = o.periodicReportId;
    owner = 'installation';
  } else if (/\/admin\/users\/:id/.test(u)) {
    // an account of side A's organisation: only the service centre's admins and side A administer it
    values.id = o.victimUserId;
  } else if (u.includes(':id'))
    throw new Error(`${route.method} ${u}: no object for :id — teach test/security`);
  if (u.includes(':taskId')) values.taskId = o.taskId;
  if (u.includes(':attachmentId')) values.attachmentId = o.attachmentId;
  if (u.includes(':reportId')) values.reportId = o.inboxReportId;
  if (u.includes(':organisationId')) {
    values.organisationId = w.orgs.PA;
    owner = 'installation'; // the partner directory is public
  }
  if (u.includes(':key')) {
    values.key = 'retention.spam_days';
    owner = 'installation';
  }
  if (u.includes(':purpose')) values.purpose = 'contact';
  if (!/:/.test(u)) owner = 'installation';
  // object routes by query parameter
  if (route.method === 'GET' && u === '/api/v1/referral-figures') {
    const y = new Date().getUTCFullYear();
    return [{ route, url: `${u}?from=${y}-01-01&to=${y}-12-31`, owner, action: 'figures' }];
  }
  if (route.method === 'GET' && u === '/staff/referrals/new')
    return [{ route, url: `${u}?caseId=${o.caseId}`, owner: 'A', action: 'new' }];
  const known = new Set([
    'id',
    'taskId',
    'attachmentId',
    'reportId',
    'organisationId',
    'key',
    'purpose',
    'action',
  ]);
  for (const p of u.match(/:(\w+)/g) ?? [])
    if (!known.has(p.slice(1)))
      throw new Error(`${route.method} ${u}: unknown parameter ${p} — teach test/security`);
  let actions: string[] = [''];
  if (u.includes(':action')) {
    const pos = u.split('/').indexOf(':action');
    const fromForms = formsFor(route, forms).flatMap((f) => f.segments[pos].split('|'));
    actions = [...new Set(fromForms.map((a) => a.replace(/^task-done-\*$/, `task-done-${o.taskId}`)))];
    if (u.startsWith('/api/v1/mailbox/consents')) actions = ['withdraw'];
    if (!actions.length || actions.some((a) => a.includes('*')))
      throw new Error(`${route.method} ${u}: no form posts to it — teach test/security its actions`);
  }
  return actions.map((action) => {
    const url = u.replace(/:(\w+)/g, (_, name: string) => (name === 'action' ? action : values[name]));
    return { route, url, owner, action: url.split('/').pop()! };
  });
}

/** A valid body for each kind of state change, so a refusal can only come from the access check. */
export function bodyFor(w: World, action: string): Record<string, unknown> {
  const o = w.obj;
  const bodies: Record<string, Record<string, unknown>> = {
    status: { status: 'open', version: 1 },
    assessment: { version: 1 },
    assignees: { assignees: [], version: 1 },
    notes: { body: 'x' },
    interventions: { type: 'mediation', date: '2026-11-01' },
    tasks: { title: 'x', dueDate: '2026-12-01' },
    messages: { reportId: o.reportId, body: 'x' },
    consents: { reportId: o.reportId, purpose: 'share', action: 'grant', form: 'oral' },
    'legal-hold': { reason: 'x' },
    'add-to-case': { caseId: o.caseId, incidentId: 'new' },
    close: { reason: 'duplicate' },
    transfer: { organisationCode: 'SZI' },
    decline: { reason: 'x' },
    feedback: { feedback: 'x' },
    complete: { outcome: 'settled' },
    erase: { confirm: 'yes' },
    role: { role: 'officer' },
  };
  return bodies[action] ?? {};
}

/** Destructive or state-ending actions run last, so a hole found there cannot hide an earlier one. */
export function destructiveRank(t: Target): number {
  return /erase|close|transfer|revoke|decline|complete|disable|reset|role|add-to-case|open$/.test(t.url)
    ? 1
    : 0;
}
