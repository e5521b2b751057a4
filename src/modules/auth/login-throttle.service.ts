import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Free attempts before the backoff starts; then 2^(n-FREE) seconds, capped at 15 minutes. */
const FREE_ATTEMPTS = 5;
const MAX_DELAY_S = 15 * 60;

export function throttleDelaySeconds(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_DELAY_S, 2 ** (failures - FREE_ATTEMPTS + 1));
}

/**
 * Backoff after failed logins, keyed by a hash of the submitted login name — the same for existing
 * and unknown accounts, so the answer never tells whether an account exists. No IP address is stored.
 */
@Injectable()
export class LoginThrottleService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  key(scope: 'password' | 'mfa', name: string): string {
    return createHash('sha256').update(`${scope}:${name.trim().toLowerCase()}`).digest('hex');
  }

  /** Seconds to wait before another attempt is allowed (0 = go ahead). */
  async secondsBlocked(key: string): Promise<number> {
    const rows: { blocked_until: Date | null }[] = await this.db.query(
      'SELECT blocked_until FROM login_throttle WHERE key_hash = $1',
      [key],
    );
    const until = rows[0]?.blocked_until;
    if (!until) return 0;
    return Math.max(0, Math.ceil((until.getTime() - Date.now()) / 1000));
  }

  async fail(key: string): Promise<void> {
    const rows: { failures: number }[] = await this.db.query(
      `INSERT INTO login_throttle (key_hash, failures, updated_at) VALUES ($1, 1, now())
       ON CONFLICT (key_hash) DO UPDATE SET failures = login_throttle.failures + 1, updated_at = now()
       RETURNING failures`,
      [key],
    );
    const delay = throttleDelaySeconds(rows[0].failures);
    if (delay > 0) {
      await this.db.query(
        `UPDATE login_throttle SET blocked_until = now() + make_interval(secs => $2) WHERE key_hash = $1`,
        [key, delay],
      );
    }
  }

  async succeed(key: string): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE key_hash = $1', [key]);
  }

  /** Forget old entries (a day after the last failure). */
  async purge(): Promise<void> {
    await this.db.query(`DELETE FROM login_throttle WHERE updated_at < now() - interval '1 day'`);
  }
}
