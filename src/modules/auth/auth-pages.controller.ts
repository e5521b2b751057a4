import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllowSessionStage, Public, Roles } from '../../common/decorators/public.decorator.js';
import { Page } from '../../common/decorators/page.decorator.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { formErrors, validateForm } from '../../common/forms.js';
import { Redirect } from '../../common/views/page.interceptor.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AuthService, type SessionGrant } from './auth.service.js';
import { ChangePasswordDto } from './dto/auth.dto.js';
import { STAFF_ROLES } from './entities/staff-user.entity.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';
import { clearSessionCookie, safeNext, setSessionCookie } from './session-cookie.js';
import type { StaffUserEntity } from './entities/staff-user.entity.js';
import { COOKIE } from '../../common/http/request-context.js';

type Req = FastifyRequest & {
  user?: StaffUserEntity;
  loginError?: DomainError;
  pendingTotpSecret?: Buffer | null;
};

function afterGrant(grant: SessionGrant, next = '/staff'): string {
  switch (grant.next) {
    case 'mfa':
      return '/login/mfa';
    case 'enrol':
      return '/login/mfa/setup';
    case 'change_password':
      return '/account/password';
    case 'done':
      return next;
  }
}

/** Staff login pages: password, second factor, enrolment, password change, logout. */
@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly renderer: ViewRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('login')
  @Page('auth/login', 'auth.login.title', 'public')
  loginForm(@Req() req: Req, @Query('next') next?: string) {
    if (req.staff?.mfaPassed) return new Redirect('/staff');
    return { next: safeNext(next), values: {} };
  }

  @Public()
  @Post('login')
  @UseGuards(LocalAuthGuard)
  @Page('auth/login', 'auth.login.title', 'public')
  async login(
    @Req() req: Req,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ) {
    const next = safeNext(body.next);
    if (req.loginError || !req.user) {
      const error =
        req.loginError ?? new DomainError('invalid_credentials', 'auth.errors.invalid_credentials');
      return {
        status: error.status,
        next,
        values: { email: typeof body.email === 'string' ? body.email : '' },
        errors: formErrors(this.renderer, req.lang, [], error),
      };
    }
    const grant = await this.auth.startSession(req.user, req.cookies[COOKIE.session]);
    setSessionCookie(reply, grant.token, this.config);
    return new Redirect(afterGrant(grant, next));
  }

  @AllowSessionStage('mfa')
  @Roles(...STAFF_ROLES)
  @Get('login/mfa')
  @Page('auth/mfa', 'auth.mfa.title', 'public')
  mfaForm(@Req() req: Req) {
    if (req.staff!.mfaPassed) return new Redirect('/staff');
    if (!req.staff!.mfaEnrolled) return new Redirect('/login/mfa/setup');
    return {};
  }

  @AllowSessionStage('mfa')
  @Roles(...STAFF_ROLES)
  @Post('login/mfa')
  @Page('auth/mfa', 'auth.mfa.title', 'public')
  async mfa(
    @Req() req: Req,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ) {
    if (req.staff!.mfaPassed) return new Redirect('/staff');
    try {
      const grant = await this.auth.verifySecondFactor(req.staff!, String(body.code ?? ''));
      setSessionCookie(reply, grant.token, this.config);
      return new Redirect(afterGrant(grant));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return {
        status: e.status,
        errors: formErrors(this.renderer, req.lang, [
          { field: 'code', messageKey: e.messageKey, params: e.params },
        ]),
      };
    }
  }

  @AllowSessionStage('mfa')
  @Roles(...STAFF_ROLES)
  @Get('login/mfa/setup')
  @Page('auth/mfa-setup', 'auth.enrol.title', 'public')
  async enrolForm(@Req() req: Req) {
    if (req.staff!.mfaEnrolled) return new Redirect(req.staff!.mfaPassed ? '/account' : '/login/mfa');
    return { enrolment: await this.auth.beginEnrolment(req.staff!, req.pendingTotpSecret ?? null) };
  }

  @AllowSessionStage('mfa')
  @Roles(...STAFF_ROLES)
  @Post('login/mfa/setup')
  @Page('auth/mfa-setup', 'auth.enrol.title', 'public')
  async enrol(
    @Req() req: Req,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ) {
    if (req.staff!.mfaEnrolled) return new Redirect('/account');
    try {
      const grant = await this.auth.confirmEnrolment(
        req.staff!,
        req.pendingTotpSecret ?? null,
        String(body.code ?? ''),
      );
      setSessionCookie(reply, grant.token, this.config);
      return { recoveryCodes: grant.recoveryCodes, continueTo: afterGrant(grant) };
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return {
        status: e.status,
        enrolment: await this.auth.beginEnrolment(req.staff!, req.pendingTotpSecret ?? null),
        errors: formErrors(this.renderer, req.lang, [{ field: 'code', messageKey: e.messageKey }]),
      };
    }
  }

  @AllowSessionStage('mfa', 'password')
  @Roles(...STAFF_ROLES)
  @Post('logout')
  async logout(@Req() req: Req, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.auth.logout(req.staff!);
    clearSessionCookie(reply, this.config);
    void reply.code(303).header('location', '/login?loggedOut=1');
  }

  @Roles(...STAFF_ROLES)
  @Get('account')
  @Page('auth/account', 'auth.account.title')
  account(@Req() req: Req) {
    return { mfaEnrolled: req.staff!.mfaEnrolled, email: req.staff!.email, role: req.staff!.role };
  }

  @AllowSessionStage('password')
  @Roles(...STAFF_ROLES)
  @Get('account/password')
  @Page('auth/password', 'auth.password.title')
  passwordForm(@Req() req: Req) {
    return { forced: req.staff!.mustChangePassword };
  }

  @AllowSessionStage('password')
  @Roles(...STAFF_ROLES)
  @Post('account/password')
  @Page('auth/password', 'auth.password.title')
  async changePassword(
    @Req() req: Req,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ) {
    const { value, fields } = await validateForm(ChangePasswordDto, body);
    try {
      if (fields.length) throw new DomainError('validation', 'errors.validation', {}, fields);
      const grant = await this.auth.changePassword(req.staff!, value.currentPassword, value.newPassword);
      setSessionCookie(reply, grant.token, this.config);
      return new Redirect(grant.next === 'done' ? '/account?changed=1' : afterGrant(grant));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return {
        status: e.status,
        forced: req.staff!.mustChangePassword,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
      };
    }
  }
}
