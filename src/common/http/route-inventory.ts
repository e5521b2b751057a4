import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_KEY, REPORTER_KEY, ROLES_KEY } from '../decorators/public.decorator.js';

export interface RouteAccess {
  method: string;
  url: string;
  /** public = @Public(); roles = @Roles(...); direct-public = registered on Fastify, public by intent; unguarded = a bug */
  access: 'public' | 'reporter' | 'roles' | 'direct-public' | 'unguarded';
  roles?: string[];
  why?: string;
}

function join(...parts: (string | undefined)[]): string {
  const path =
    '/' +
    parts
      .filter((p) => p && p !== '/')
      .map((p) => p!.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/');
  return path;
}

function asList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return [v === undefined ? '' : String(v)];
}

/**
 * Every route Fastify knows, classified by how it is protected. Nest routes are matched with their
 * handlers' metadata; routes registered on Fastify directly (static files, API docs) must appear in
 * `directPublic` with a reason. Anything else is reported as `unguarded` — the route test fails on it.
 */
export function routeInventory(
  app: INestApplication,
  fastifyRoutes: { method: string; url: string }[],
  directPublic: { prefix: string; why: string }[],
): RouteAccess[] {
  const nest = new Map<string, { public: boolean; reporter: boolean; roles?: string[] }>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!type) continue;
      const classPaths = asList(Reflect.getMetadata(PATH_METADATA, type));
      const classPublic = Reflect.getMetadata(PUBLIC_KEY, type) as boolean | undefined;
      const classRoles = Reflect.getMetadata(ROLES_KEY, type) as string[] | undefined;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (methodPath === undefined) continue;
        const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const isPublic =
          (Reflect.getMetadata(PUBLIC_KEY, handler) as boolean | undefined) ?? classPublic ?? false;
        const roles = (Reflect.getMetadata(ROLES_KEY, handler) as string[] | undefined) ?? classRoles;
        const reporter = (Reflect.getMetadata(REPORTER_KEY, handler) as boolean | undefined) ?? false;
        for (const c of classPaths)
          for (const m of asList(methodPath))
            nest.set(`${verb} ${join(c, m)}`, { public: isPublic, reporter, roles });
      }
    }
  }
  const seen = new Set<string>();
  const out: RouteAccess[] = [];
  for (const r of fastifyRoutes) {
    const key = `${r.method} ${r.url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const url = r.url.length > 1 ? r.url.replace(/\/$/, '') : r.url;
    // Fastify adds HEAD for every GET route
    const meta = nest.get(`${r.method} ${url}`) ?? (r.method === 'HEAD' ? nest.get(`GET ${url}`) : undefined);
    if (meta) {
      if (meta.reporter) out.push({ method: r.method, url: r.url, access: 'reporter' });
      else if (meta.public) out.push({ method: r.method, url: r.url, access: 'public' });
      else if (meta.roles?.length)
        out.push({ method: r.method, url: r.url, access: 'roles', roles: meta.roles });
      else out.push({ method: r.method, url: r.url, access: 'unguarded' });
      continue;
    }
    const direct = directPublic.find((d) => r.url.startsWith(d.prefix));
    out.push(
      direct
        ? { method: r.method, url: r.url, access: 'direct-public', why: direct.why }
        : { method: r.method, url: r.url, access: 'unguarded' },
    );
  }
  return out.sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
}
