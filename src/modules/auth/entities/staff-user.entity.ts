import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { OrganisationEntity } from './organisation.entity.js';

export const STAFF_ROLES = ['admin', 'counsellor', 'officer', 'partner'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** Roles that must use a second factor (DESIGN.md). */
export const MFA_REQUIRED_ROLES: readonly StaffRole[] = ['admin', 'counsellor', 'partner'];

@Entity('staff_user')
@Index('uq_staff_user_email', ['email'], { unique: true })
export class StaffUserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'organisation_id' })
  organisationId: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: OrganisationEntity;

  /** Stored lower-case. */
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text', name: 'display_name' })
  displayName: string;

  @Column({ type: 'text' })
  role: StaffRole;

  @Column({ type: 'text', name: 'password_hash' })
  passwordHash: string;

  @Column({ type: 'boolean', name: 'must_change_password', default: false })
  mustChangePassword: boolean;

  @Column({ type: 'timestamptz', name: 'password_changed_at', default: () => 'now()' })
  passwordChangedAt: Date;

  /** TOTP secret, encrypted with this user's data key. */
  @Column({ type: 'bytea', name: 'totp_secret', nullable: true })
  totpSecret: Buffer | null;

  @Column({ type: 'timestamptz', name: 'totp_enabled_at', nullable: true })
  totpEnabledAt: Date | null;

  /** Last accepted TOTP time step: a code can never be used twice. */
  @Column({ type: 'bigint', name: 'totp_last_step', nullable: true })
  totpLastStep: string | null;

  /** argon2id hashes of unused recovery codes. */
  @Column({ type: 'jsonb', name: 'recovery_codes' })
  recoveryCodes: string[];

  @Column({ type: 'uuid', name: 'data_key_id', nullable: true })
  dataKeyId: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}
