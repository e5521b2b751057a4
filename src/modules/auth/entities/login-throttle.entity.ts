import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed-login backoff keyed by a hash of the submitted login name, whether or not such an
 * account exists (so the answer never reveals it). No IP address is stored.
 */
@Entity('login_throttle')
export class LoginThrottleEntity {
  @PrimaryColumn({ type: 'text', name: 'key_hash' })
  keyHash: string;

  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ type: 'timestamptz', name: 'blocked_until', nullable: true })
  blockedUntil: Date | null;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
