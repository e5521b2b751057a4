import type { FastifyReply } from 'fastify';
import { COOKIE } from '../../common/http/request-context.js';
import type { AppConfig } from '../../config/app-config.js';

/** httpOnly, SameSite=Lax, Secure behind TLS, no Max-Age: idle and absolute timeouts are server-side. */
export function setSessionCookie(reply: FastifyReply, token: string, config: AppConfig): void {
  void reply.setCookie(COOKIE.session, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.http.cookieSecure,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: AppConfig): void {
  void reply.clearCookie(COOKIE.session, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.http.cookieSecure,
  });
}

/** Only same-site relative paths are followed after login (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(next) && !next.startsWith('/login')
    ? next
    : '/staff';
}
