import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Server-side staff session. The cookie carries a random token; only its SHA-256 is stored, so a
 * database dump cannot be replayed as a session.
 */
@Entity('staff_session')
@Index('ix_staff_session_user', ['userId'])
export class StaffSessionEntity {
  @PrimaryColumn({ type: 'text', name: 'token_hash' })
  tokenHash: string;

  @Column({ type: 'uuid', name: 'user_id' })
  userId: string;

  /** false until the second factor was given (or enrolled) in this session */
  @Column({ type: 'boolean', name: 'mfa_passed', default: false })
  mfaPassed: boolean;

  @Column({ type: 'text', name: 'csrf_token' })
  csrfToken: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'last_seen_at' })
  lastSeenAt: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt: Date;

  /** TOTP secret offered during enrolment, encrypted; moved to the user when confirmed. */
  @Column({ type: 'bytea', name: 'pending_totp_secret', nullable: true })
  pendingTotpSecret: Buffer | null;
}
