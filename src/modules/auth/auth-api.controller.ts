import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllowSessionStage, Public, Roles } from '../../common/decorators/public.decorator.js';
import type { DomainError } from '../../common/errors/domain-error.js';
import { COOKIE } from '../../common/http/request-context.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AuthService, type SessionGrant } from './auth.service.js';
import { ChangePasswordDto, LoginDto, MfaCodeDto } from './dto/auth.dto.js';
import { STAFF_ROLES, type StaffUserEntity } from './entities/staff-user.entity.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

type Req = FastifyRequest & {
  user?: StaffUserEntity;
  loginError?: DomainError;
  pendingTotpSecret?: Buffer | null;
};

class SessionResponse {
  /** what the client must do next: done | mfa | enrol (use the web page) | change_password */
  next: string;
  /** send as X-CSRF-Token on every state-changing request */
  csrfToken: string;
}

function sessionBody(grant: SessionGrant): SessionResponse {
  return { next: grant.next, csrfToken: grant.csrfToken };
}

@ApiTags('auth')
@Controller('api/v1')
export class AuthApiController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @ApiOperation({ summary: 'Log in with e-mail and password; sets the session cookie' })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: SessionResponse })
  async login(@Req() req: Req, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionResponse> {
    if (req.loginError || !req.user) throw req.loginError!;
    const grant = await this.auth.startSession(req.user, req.cookies[COOKIE.session]);
    setSessionCookie(reply, grant.token, this.config);
    return sessionBody(grant);
  }

  @AllowSessionStage('mfa')
  @Roles(...STAFF_ROLES)
  @Post('auth/mfa')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give the second factor (TOTP or recovery code); rotates the session' })
  @ApiOkResponse({ type: SessionResponse })
  async mfa(
    @Req() req: Req,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() dto: MfaCodeDto,
  ): Promise<SessionResponse> {
    const grant = await this.auth.verifySecondFactor(req.staff!, dto.code);
    setSessionCookie(reply, grant.token, this.config);
    return sessionBody(grant);
  }

  @AllowSessionStage('password')
  @Roles(...STAFF_ROLES)
  @Post('auth/password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the own password; ends all other sessions' })
  @ApiOkResponse({ type: SessionResponse })
  async password(
    @Req() req: Req,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() dto: ChangePasswordDto,
  ) {
    const grant = await this.auth.changePassword(req.staff!, dto.currentPassword, dto.newPassword);
    setSessionCookie(reply, grant.token, this.config);
    return sessionBody(grant);
  }

  @AllowSessionStage('mfa', 'password')
  @Roles(...STAFF_ROLES)
  @Post('auth/logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session' })
  async logout(@Req() req: Req, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(req.staff!);
    clearSessionCookie(reply, this.config);
  }

  @Roles(...STAFF_ROLES)
  @Get('me')
  @ApiOperation({ summary: 'The logged-in staff member' })
  me(@Req() req: Req) {
    const s = req.staff!;
    return {
      id: s.userId,
      email: s.email,
      displayName: s.displayName,
      role: s.role,
      organisationId: s.organisationId,
      mfaEnrolled: s.mfaEnrolled,
    };
  }
}
