import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { PUBLIC_KEY, ROLES_KEY, SESSION_STAGE_KEY } from '../../../common/decorators/public.decorator.js';
import { fieldValue } from '../../../common/http/form-body.js';
import { COOKIE } from '../../../common/http/request-context.js';
import { APP_CONFIG } from '../../../config/config.module.js';
import type { AppConfig } from '../../../config/app-config.js';
import { AuthErrors } from '../auth.errors.js';
import type { StaffRole } from '../entities/staff-user.entity.js';
import { SessionsService } from '../sessions.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: unknown, b: string | undefined): boolean {
  if (typeof a !== 'string' || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The one global guard. Resolves the staff session; refuses cross-site and token-less state changes
 * (CSRF); lets @Public() routes through; requires a complete session (second factor given, one-time
 * password changed) and one of the route's @Roles() — a route without either decorator is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly allowedOrigin: string;

  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.allowedOrigin = new URL(config.http.publicUrl).origin;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const targets = [context.getHandler(), context.getClass()];
    await this.resolveSession(req);

    if (!SAFE_METHODS.has(req.method)) this.checkCsrf(req);

    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const staff = req.staff;
    if (!staff) throw AuthErrors.unauthenticated();
    const stages = this.reflector.getAllAndOverride<string[] | undefined>(SESSION_STAGE_KEY, targets) ?? [];
    if (!staff.mfaPassed && !stages.includes('mfa')) throw AuthErrors.mfaRequired();
    if (staff.mfaPassed && staff.mustChangePassword && !stages.includes('password'))
      throw AuthErrors.passwordChangeRequired();
    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES_KEY, targets);
    if (!roles || !roles.includes(staff.role)) throw AuthErrors.forbidden();
    return true;
  }

  private async resolveSession(req: FastifyRequest): Promise<void> {
    if (req.staff !== undefined) return;
    const session = await this.sessions.resolve(req.cookies?.[COOKIE.session]);
    if (!session) return;
    const { user } = session;
    req.staff = {
      userId: user.id,
      organisationId: user.organisationId,
      role: user.role,
      email: user.email,
      displayName: user.displayName,
      sessionTokenHash: session.tokenHash,
      mfaPassed: session.mfaPassed,
      mfaEnrolled: user.totpEnabled,
      mustChangePassword: user.mustChangePassword,
      csrfToken: session.csrfToken,
    };
    (req as FastifyRequest & { pendingTotpSecret?: Buffer | null }).pendingTotpSecret =
      session.pendingTotpSecret;
  }

  private checkCsrf(req: FastifyRequest): void {
    // Browsers send Sec-Fetch-Site on every request: it alone decides. (With our no-referrer policy a
    // form post carries `Origin: null`, so Origin can't be compared there.) Without it (old browsers,
    // API clients), a present Origin must be ours; the token is checked in every case below.
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined) {
      if (site !== 'same-origin' && site !== 'none') throw AuthErrors.csrf();
    } else {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== 'null') {
        const host = req.headers.host;
        const own = host ? [`http://${host}`, `https://${host}`] : [];
        if (origin !== this.allowedOrigin && !own.includes(origin)) throw AuthErrors.csrf();
      }
    }
    const body = req.body as Record<string, unknown> | undefined;
    const supplied = req.headers['x-csrf-token'] ?? fieldValue(body, '_csrf');
    if (body && typeof body === 'object' && '_csrf' in body) delete body._csrf;
    if (req.staff) {
      if (!sameToken(supplied, req.staff.csrfToken)) throw AuthErrors.csrf();
      return;
    }
    // Without a session there is no ambient authority, except for forms a browser can send cross-site:
    // those need the double-submit token. Cross-site JSON needs a CORS preflight, which is never granted.
    const type = String(req.headers['content-type'] ?? '');
    const browserForm =
      type.startsWith('application/x-www-form-urlencoded') ||
      type.startsWith('multipart/form-data') ||
      type.startsWith('text/plain');
    if (browserForm && !sameToken(supplied, req.cookies?.[COOKIE.csrf])) throw AuthErrors.csrf();
  }
}
