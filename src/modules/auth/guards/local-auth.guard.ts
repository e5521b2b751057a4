import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../../common/errors/domain-error.js';
import { AuthErrors } from '../auth.errors.js';

/**
 * Runs the passport-local strategy. A failed login does not throw here: the handler gets
 * `req.loginError` and answers with the login form (pages) or the JSON error (API).
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest & { loginError?: DomainError }>();
    const body = req.body as Record<string, unknown> | undefined;
    if (
      !body ||
      typeof body.email !== 'string' ||
      typeof body.password !== 'string' ||
      !body.email ||
      !body.password
    ) {
      req.loginError = AuthErrors.invalidCredentials();
      return true;
    }
    try {
      await super.canActivate(context);
    } catch (e) {
      req.loginError = e instanceof DomainError ? e : AuthErrors.invalidCredentials();
    }
    return true;
  }

  override handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err) throw err;
    if (!user) throw AuthErrors.invalidCredentials();
    return user;
  }
}
