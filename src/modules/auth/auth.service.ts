import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import QRCode from 'qrcode';
import type { DataSource } from 'typeorm';
import type { StaffContext } from '../../common/http/request-context.js';
import { AuditService } from '../audit/audit.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { AuthErrors } from './auth.errors.js';
import { MFA_REQUIRED_ROLES, StaffUserEntity } from './entities/staff-user.entity.js';
import { LoginThrottleService } from './login-throttle.service.js';
import {
  dummyPasswordHash,
  generateRecoveryCodes,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  normaliseRecoveryCode,
  verifyPassword,
} from './passwords.js';
import { hashToken, SessionsService } from './sessions.service.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';

export type LoginNext = 'done' | 'mfa' | 'enrol' | 'change_password';

export interface SessionGrant {
  token: string;
  csrfToken: string;
  next: LoginNext;
}

function nextStep(user: StaffUserEntity, mfaPassed: boolean): LoginNext {
  if (!mfaPassed) return user.totpEnabledAt ? 'mfa' : 'enrol';
  return user.mustChangePassword ? 'change_password' : 'done';
}

/** Staff login: password → second factor (or its enrolment) → session. */
@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottleService,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
  ) {}

  /** Checks a login name and password. Same work and answer for unknown accounts; throttled per name. */
  async verifyPassword(email: string, password: string): Promise<StaffUserEntity> {
    const key = this.throttle.key('password', email);
    const wait = await this.throttle.secondsBlocked(key);
    if (wait > 0) throw AuthErrors.throttled(wait);
    const user = await this.db
      .getRepository(StaffUserEntity)
      .findOneBy({ email: email.trim().toLowerCase() });
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!user || !ok || user.disabledAt) {
      await this.throttle.fail(key);
      await this.audit.recordNow({
        actorType: 'system',
        action: 'auth.login_failed',
        entityType: 'staff_user',
        entityId: user?.id ?? null,
      });
      throw AuthErrors.invalidCredentials();
    }
    await this.throttle.succeed(key);
    return user;
  }

  /** Opens a new session (the old one, if any, is destroyed: session ids rotate at login). */
  async startSession(user: StaffUserEntity, previousToken?: string): Promise<SessionGrant> {
    const mfaPassed = !(user.totpEnabledAt || MFA_REQUIRED_ROLES.includes(user.role));
    return this.db.transaction(async (m) => {
      if (previousToken) await this.sessions.destroy(hashToken(previousToken), m);
      const { token, session } = await this.sessions.create(user.id, mfaPassed, m);
      await this.audit.record(m, {
        actorType: 'staff',
        actorId: user.id,
        organisationId: user.organisationId,
        action: 'auth.login_password',
        entityType: 'staff_user',
        entityId: user.id,
      });
      return { token, csrfToken: session.csrfToken, next: nextStep(user, mfaPassed) };
    });
  }

  private async loadUser(ctx: StaffContext): Promise<StaffUserEntity> {
    const user = await this.db.getRepository(StaffUserEntity).findOneBy({ id: ctx.userId });
    if (!user || user.disabledAt) throw AuthErrors.unauthenticated();
    return user;
  }

  /** Second factor: a TOTP code (never the same step twice) or an unused recovery code. */
  async verifySecondFactor(ctx: StaffContext, code: string): Promise<SessionGrant> {
    const key = this.throttle.key('mfa', ctx.userId);
    const wait = await this.throttle.secondsBlocked(key);
    if (wait > 0) throw AuthErrors.throttled(wait);
    const user = await this.loadUser(ctx);
    if (!user.totpSecret || !user.dataKeyId) throw AuthErrors.invalidCode();
    const secret = (await this.crypto.decrypt(user.dataKeyId, user.totpSecret)).toString('utf8');
    const step = await verifyTotp(
      secret,
      code,
      user.totpLastStep === null ? null : Number(user.totpLastStep),
    );
    let method = 'totp';
    let accepted = false;
    if (step !== null) {
      // conditional update: two concurrent requests with the same code cannot both win
      // TypeORM answers an UPDATE with [rows, affectedCount]
      const [, affected]: [unknown[], number] = await this.db.query(
        `UPDATE staff_user SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
        [user.id, step],
      );
      accepted = affected > 0;
    } else if (/^[a-z0-9]{10}$/i.test(code.replace(/[\s-]/g, ''))) {
      accepted = await this.useRecoveryCode(user, normaliseRecoveryCode(code));
      method = 'recovery_code';
    }
    if (!accepted) {
      await this.throttle.fail(key);
      await this.audit.recordNow({
        actorType: 'staff',
        actorId: user.id,
        organisationId: user.organisationId,
        action: 'auth.mfa_failed',
      });
      throw AuthErrors.invalidCode();
    }
    await this.throttle.succeed(key);
    return this.elevate(ctx, user, `auth.mfa_${method}`);
  }

  private async useRecoveryCode(user: StaffUserEntity, code: string): Promise<boolean> {
    for (const [i, hashed] of user.recoveryCodes.entries()) {
      if (await verifyPassword(hashed, code)) {
        const remaining = user.recoveryCodes.filter((_, j) => j !== i);
        const [, affected]: [unknown[], number] = await this.db.query(
          `UPDATE staff_user SET recovery_codes = $2 WHERE id = $1 AND recovery_codes @> $3`,
          [user.id, JSON.stringify(remaining), JSON.stringify([hashed])],
        );
        return affected > 0;
      }
    }
    return false;
  }

  /** After the second factor: a fresh session id with mfa_passed = true. */
  private async elevate(ctx: StaffContext, user: StaffUserEntity, action: string): Promise<SessionGrant> {
    return this.db.transaction(async (m) => {
      await this.sessions.destroy(ctx.sessionTokenHash, m);
      const { token, session } = await this.sessions.create(user.id, true, m);
      await this.audit.record(m, {
        actorType: 'staff',
        actorId: user.id,
        organisationId: user.organisationId,
        action,
        entityType: 'staff_user',
        entityId: user.id,
      });
      return { token, csrfToken: session.csrfToken, next: nextStep(user, true) };
    });
  }

  /** Enrolment: a secret kept (encrypted) in the session until the first code confirms it. */
  async beginEnrolment(
    ctx: StaffContext,
    pendingSecret: Buffer | null,
  ): Promise<{ secret: string; uri: string; qrSvg: string }> {
    const user = await this.loadUser(ctx);
    if (user.totpEnabledAt) throw AuthErrors.forbidden();
    let secret: string;
    if (pendingSecret && user.dataKeyId) {
      secret = (await this.crypto.decrypt(user.dataKeyId, pendingSecret)).toString('utf8');
    } else {
      secret = newTotpSecret();
      await this.sessions.update(ctx.sessionTokenHash, {
        pendingTotpSecret: await this.crypto.encrypt(user.dataKeyId!, secret),
      });
    }
    const uri = totpUri(secret, user.email, 'Anlaufstelle');
    // rendered locally: the secret never goes to a third-party QR service
    const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return { secret: secret.replace(/(.{4})/g, '$1 ').trim(), uri, qrSvg };
  }

  async confirmEnrolment(
    ctx: StaffContext,
    pendingSecret: Buffer | null,
    code: string,
  ): Promise<SessionGrant & { recoveryCodes: string[] }> {
    const user = await this.loadUser(ctx);
    if (user.totpEnabledAt || !pendingSecret || !user.dataKeyId) throw AuthErrors.invalidCode();
    const secret = (await this.crypto.decrypt(user.dataKeyId, pendingSecret)).toString('utf8');
    const step = await verifyTotp(secret, code, null);
    if (step === null) throw AuthErrors.invalidCode();
    const recoveryCodes = generateRecoveryCodes();
    const hashes = await Promise.all(recoveryCodes.map((c) => hashPassword(c)));
    await this.db.getRepository(StaffUserEntity).update(
      { id: user.id },
      {
        totpSecret: pendingSecret,
        totpEnabledAt: new Date(),
        totpLastStep: String(step),
        recoveryCodes: hashes,
      },
    );
    user.totpEnabledAt = new Date();
    const grant = await this.elevate(ctx, user, 'auth.mfa_enrolled');
    return { ...grant, recoveryCodes };
  }

  /** Password change: all other sessions end, this one gets a new id. */
  async changePassword(ctx: StaffContext, current: string, next: string): Promise<SessionGrant> {
    const user = await this.loadUser(ctx);
    if (!(await verifyPassword(user.passwordHash, current))) throw AuthErrors.wrongCurrentPassword();
    if (next.length < MIN_PASSWORD_LENGTH || next === current) throw AuthErrors.weakPassword();
    const passwordHash = await hashPassword(next);
    return this.db.transaction(async (m) => {
      await m
        .getRepository(StaffUserEntity)
        .update({ id: user.id }, { passwordHash, mustChangePassword: false, passwordChangedAt: new Date() });
      await this.sessions.destroyAllForUser(user.id, m);
      const { token, session } = await this.sessions.create(user.id, ctx.mfaPassed, m);
      await this.audit.record(m, {
        actorType: 'staff',
        actorId: user.id,
        organisationId: user.organisationId,
        action: 'auth.password_changed',
        entityType: 'staff_user',
        entityId: user.id,
      });
      user.mustChangePassword = false;
      return { token, csrfToken: session.csrfToken, next: nextStep(user, ctx.mfaPassed) };
    });
  }

  async logout(ctx: StaffContext): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.sessions.destroy(ctx.sessionTokenHash, m);
      await this.audit.record(m, {
        actorType: 'staff',
        actorId: ctx.userId,
        organisationId: ctx.organisationId,
        action: 'auth.logout',
      });
    });
  }
}
