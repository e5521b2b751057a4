import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { AppConfig } from '../../config/app-config.js';

/** Strict CSP: nothing inline, nothing third-party. */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
  upgradeInsecureRequests: null as null | [],
};

/** Only the API documentation page relaxes the CSP: Swagger UI sets inline styles. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

export async function registerSecurity(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: { ...CSP_DIRECTIVES, upgradeInsecureRequests: config.http.cookieSecure ? [] : null },
    },
    // HSTS is always sent; browsers ignore it on plain http (development)
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  await fastify.register(rateLimit, {
    global: true,
    max: config.http.rateLimitPerMinute,
    timeWindow: '1 minute',
    // in memory only; the address is hashed and never stored or logged
    keyGenerator: (req) => createHash('sha256').update(req.ip).digest('base64url').slice(0, 22),
    allowList: (req) => req.url.startsWith('/static/') || req.url.startsWith('/health'),
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
  });
  fastify.addHook('onSend', async (req, reply, payload) => {
    const path = req.url.split('?')[0];
    if (path.startsWith('/api/docs')) reply.header('content-security-policy', DOCS_CSP);
    if (req.method === 'GET' && path === '/report' && reply.statusCode === 200) {
      // The empty form holds no personal data. Letting the browser keep it means Back shows the
      // same page with the same idempotency token, so back-and-resubmit cannot create a second
      // report (with no-store, Back fetched a fresh form with a fresh token).
      reply.header('cache-control', 'private, max-age=0');
    } else if (!path.startsWith('/static/')) reply.header('cache-control', 'no-store');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    return payload;
  });
}
