import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Not, type EntityManager, type Repository } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { StaffSessionEntity } from './entities/staff-session.entity.js';
import type { StaffRole } from './entities/staff-user.entity.js';

/** A live session and the few facts about its user that every request needs. */
export interface ResolvedSession {
  tokenHash: string;
  userId: string;
  mfaPassed: boolean;
  csrfToken: string;
  pendingTotpSecret: Buffer | null;
  user: {
    id: string;
    organisationId: string;
    role: StaffRole;
    email: string;
    displayName: string;
    mustChangePassword: boolean;
    totpEnabled: boolean;
  };
}

interface ResolvedRow {
  user_id: string;
  mfa_passed: boolean;
  csrf_token: string;
  last_seen_at: Date;
  expires_at: Date;
  pending_totp_secret: Buffer | null;
  u_id: string | null;
  organisation_id: string | null;
  role: StaffRole | null;
  email: string | null;
  display_name: string | null;
  must_change_password: boolean | null;
  totp_enabled_at: Date | null;
  disabled_at: Date | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** How often last_seen_at is written: idle timeout precision vs. one UPDATE per request. */
const TOUCH_INTERVAL_MS = 30_000;

/** Server-side staff sessions in PostgreSQL; the cookie holds a random token, the table its hash. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(StaffSessionEntity) private readonly sessions: Repository<StaffSessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(
    userId: string,
    mfaPassed: boolean,
    manager?: EntityManager,
  ): Promise<{ token: string; session: StaffSessionEntity }> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const repo = manager ? manager.getRepository(StaffSessionEntity) : this.sessions;
    const session = repo.create({
      tokenHash: hashToken(token),
      userId,
      mfaPassed,
      csrfToken: randomBytes(32).toString('base64url'),
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.session.absoluteHours * 3600_000),
      pendingTotpSecret: null,
    });
    await repo.insert(session);
    return { token, session };
  }

  /**
   * The live session for a cookie token together with its user, in one statement (this runs before
   * every staff request): null when unknown, idle too long, past its absolute end, or when the user
   * is gone or disabled — such a session is deleted.
   */
  async resolve(token: string | undefined): Promise<ResolvedSession | null> {
    if (!token || token.length > 100) return null;
    const tokenHash = hashToken(token);
    const rows: ResolvedRow[] = await this.sessions.query(
      `SELECT s.user_id, s.mfa_passed, s.csrf_token, s.last_seen_at, s.expires_at, s.pending_totp_secret,
              u.id AS u_id, u.organisation_id, u.role, u.email, u.display_name, u.must_change_password,
              u.totp_enabled_at, u.disabled_at
         FROM staff_session s LEFT JOIN staff_user u ON u.id = s.user_id
        WHERE s.token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    const now = Date.now();
    const lastSeenAt = new Date(row.last_seen_at);
    const idleLimit = lastSeenAt.getTime() + this.config.session.idleMinutes * 60_000;
    if (now > idleLimit || now > new Date(row.expires_at).getTime() || !row.u_id || row.disabled_at) {
      await this.sessions.delete({ tokenHash });
      return null;
    }
    if (now - lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.sessions.update({ tokenHash }, { lastSeenAt: new Date(now) });
    }
    return {
      tokenHash,
      userId: row.user_id,
      mfaPassed: row.mfa_passed,
      csrfToken: row.csrf_token,
      pendingTotpSecret: row.pending_totp_secret,
      user: {
        id: row.u_id,
        organisationId: row.organisation_id!,
        role: row.role!,
        email: row.email!,
        displayName: row.display_name!,
        mustChangePassword: !!row.must_change_password,
        totpEnabled: !!row.totp_enabled_at,
      },
    };
  }

  async update(
    tokenHash: string,
    patch: Partial<Pick<StaffSessionEntity, 'mfaPassed' | 'pendingTotpSecret'>>,
    manager?: EntityManager,
  ) {
    const repo = manager ? manager.getRepository(StaffSessionEntity) : this.sessions;
    await repo.update({ tokenHash }, patch);
  }

  async destroy(tokenHash: string, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(StaffSessionEntity) : this.sessions;
    await repo.delete({ tokenHash });
  }

  /** Ends every session of a user (logout everywhere, password change, disabling, MFA reset). */
  async destroyAllForUser(
    userId: string,
    manager?: EntityManager,
    exceptTokenHash?: string,
  ): Promise<number> {
    const repo = manager ? manager.getRepository(StaffSessionEntity) : this.sessions;
    const result = await repo.delete(
      exceptTokenHash ? { userId, tokenHash: Not(exceptTokenHash) } : { userId },
    );
    return result.affected ?? 0;
  }

  async purgeExpired(): Promise<number> {
    const idleCutoff = new Date(Date.now() - this.config.session.idleMinutes * 60_000);
    const a = await this.sessions.delete({ lastSeenAt: LessThan(idleCutoff) });
    const b = await this.sessions.delete({ expiresAt: LessThan(new Date()) });
    return (a.affected ?? 0) + (b.affected ?? 0);
  }
}
