import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Not, type EntityManager, type Repository } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { StaffSessionEntity } from './entities/staff-session.entity.js';

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

  /** The live session for a cookie token, or null when unknown, idle too long or past its absolute end. */
  async resolve(token: string | undefined): Promise<StaffSessionEntity | null> {
    if (!token || token.length > 100) return null;
    const session = await this.sessions.findOneBy({ tokenHash: hashToken(token) });
    if (!session) return null;
    const now = Date.now();
    const idleLimit = session.lastSeenAt.getTime() + this.config.session.idleMinutes * 60_000;
    if (now > idleLimit || now > session.expiresAt.getTime()) {
      await this.sessions.delete({ tokenHash: session.tokenHash });
      return null;
    }
    if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      session.lastSeenAt = new Date(now);
      await this.sessions.update({ tokenHash: session.tokenHash }, { lastSeenAt: session.lastSeenAt });
    }
    return session;
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
