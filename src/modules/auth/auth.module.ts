import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { CryptoModule } from '../crypto/crypto.module.js';
import { STAFF_DIRECTORY } from '../notifications/staff-directory.js';
import { AdminApiController } from './admin-api.controller.js';
import { AdminPagesController } from './admin-pages.controller.js';
import { AuthApiController } from './auth-api.controller.js';
import { AuthPagesController } from './auth-pages.controller.js';
import { AuthService } from './auth.service.js';
import { LoginThrottleEntity } from './entities/login-throttle.entity.js';
import { OrganisationEntity } from './entities/organisation.entity.js';
import { StaffSessionEntity } from './entities/staff-session.entity.js';
import { StaffUserEntity } from './entities/staff-user.entity.js';
import { AccessGuard } from './guards/access.guard.js';
import { LocalStrategy } from './local.strategy.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { SessionsService } from './sessions.service.js';
import { StaffService } from './staff.service.js';

/**
 * Staff accounts, organisations, sessions and the second factor. Owns the global AccessGuard:
 * every route is authenticated unless @Public(), and must name its @Roles(). Sessions live in
 * PostgreSQL (token hash only), rotate at login and at the second factor, end at logout, password
 * change, role change and disabling. TOTP is mandatory for admin, counsellor and partner.
 */
@Global()
@Module({
  imports: [
    PassportModule,
    AuditModule,
    CryptoModule,
    TypeOrmModule.forFeature([OrganisationEntity, StaffUserEntity, StaffSessionEntity, LoginThrottleEntity]),
  ],
  controllers: [AuthPagesController, AuthApiController, AdminPagesController, AdminApiController],
  providers: [
    AuthService,
    SessionsService,
    LoginThrottleService,
    StaffService,
    LocalStrategy,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: STAFF_DIRECTORY, useExisting: StaffService },
  ],
  exports: [StaffService, SessionsService, LoginThrottleService, STAFF_DIRECTORY],
})
export class AuthModule {}
