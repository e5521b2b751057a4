import type { RouteAccess } from '../src/common/http/route-inventory.js';
import { appRoutes, startApp, type RunningApp } from './support/app.js';

/** Every public route, by intent. Adding one means adding it here, consciously. */
const PUBLIC_BY_INTENT = [
  'GET /',
  'GET /accessibility',
  'GET /follow-up',
  'GET /help',
  'GET /imprint',
  'GET /privacy',
  'GET /report',
  'POST /api/v1/mailbox/session',
  'POST /api/v1/reports',
  'POST /follow-up',
  'POST /follow-up/logout',
  'POST /report',
  'GET /health',
  'GET /health/live',
  'GET /login',
  'GET /metrics',
  'POST /api/v1/auth/login',
  'POST /login',
];

describe('route protection', () => {
  let t: RunningApp;
  let routes: RouteAccess[];

  beforeAll(async () => {
    t = await startApp();
    routes = await appRoutes(t, { head: true });
  }, 60_000);
  afterAll(() => t.close());

  it('has no route that is neither public by intent nor role-guarded, including Fastify-level routes', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => r.access === 'unguarded')).toEqual([]);
    expect(routes.some((r) => r.url === '/static/*' && r.access === 'direct-public')).toBe(true);
    expect(routes.some((r) => r.url === '/api/docs-json' && r.access === 'direct-public')).toBe(true);
  });

  it('makes public exactly the routes listed as public by intent', () => {
    const isPublic = routes
      .filter((r) => r.access === 'public' && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(isPublic.sort()).toEqual([...PUBLIC_BY_INTENT].sort());
  });

  it('refuses every reporter route without a mailbox session', async () => {
    const reporter = routes.filter((r) => r.access === 'reporter' && r.method !== 'HEAD');
    expect(reporter.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'DELETE /api/v1/mailbox/session',
      'GET /api/v1/mailbox',
      'GET /follow-up/mailbox',
      'POST /api/v1/mailbox/consents/:purpose/:action',
      'POST /api/v1/mailbox/deletion-request',
      'POST /api/v1/mailbox/messages',
      'POST /follow-up/consents/:purpose/:action',
      'POST /follow-up/deletion-request',
      'POST /follow-up/messages',
    ]);
    for (const r of reporter) {
      const url = r.url.replace(':purpose', 'contact').replace(':action', 'withdraw');
      const res = await fetch(t.url + url, {
        method: r.method,
        redirect: 'manual',
        headers: {
          authorization: 'Bearer not-a-real-mailbox-token-000000',
          ...(r.method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        body: r.method === 'POST' ? '{}' : undefined,
      });
      const ok = url.startsWith('/api/') ? res.status === 401 : [303, 401].includes(res.status);
      if (!ok) throw new Error(`${r.method} ${r.url} answered ${res.status} without a mailbox session`);
    }
  });

  it('refuses every role-guarded route to an anonymous caller', async () => {
    const guarded = routes.filter((r) => r.access === 'roles' && r.method !== 'HEAD');
    for (const r of guarded) {
      const url = r.url.replace(/:id/g, '00000000-0000-4000-8000-000000000000').replace(/:\w+/g, 'x');
      const res = await fetch(t.url + url, {
        method: r.method,
        redirect: 'manual',
        headers: { 'content-type': 'application/json' },
        body: r.method === 'GET' ? undefined : '{}',
      });
      const ok = url.startsWith('/api/') ? res.status === 401 : res.status === 303 || res.status === 401;
      if (!ok) throw new Error(`${r.method} ${r.url} answered ${res.status} to an anonymous caller`);
      if (res.status === 303) expect(res.headers.get('location')).toMatch(/^\/login/);
    }
  });

  it('sends the security headers on every page; only the API docs relax the CSP', async () => {
    for (const path of ['/', '/login', '/health', '/api/v1/me', '/does-not-exist']) {
      const res = await fetch(t.url + path, { redirect: 'manual' });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=31536000');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const docs = await fetch(`${t.url}/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    expect(docs.headers.get('content-security-policy')).not.toMatch(/script-src[^;]*unsafe-inline/);
    const css = await fetch(`${t.url}/static/app.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toContain('max-age');
  });

  it('describes every API route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    const apiRoutes = routes.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD');
    for (const r of apiRoutes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()]).toBeDefined();
    }
  });

  it('answers unknown routes with 404 in the stable error shape and as a page', async () => {
    const api = await fetch(`${t.url}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({
      error: { status: 404, code: 'not_found', message: 'Diese Seite gibt es nicht.' },
    });
    const page = await fetch(`${t.url}/nothing-here?lang=en`);
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain('This page does not exist.');
    expect(html).toContain('<html lang="en" dir="ltr">');
    const bad = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });
});
