import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { ReferralStatus, SharedField } from '../referrals.constants.js';

/**
 * A referral from a case to a partner organisation. Codes stay in clear (figures); everything a
 * person wrote — the summary, the shared fields' values (a snapshot taken when it is sent) and the
 * partner's feedback — is encrypted with the CASE's data key, so erasing the case (destroying its
 * key) erases the referral's content too. At most one open referral per case, partner and service.
 */
@Entity('referral')
@Index('ix_referral_to_org', ['toOrganisationId', 'status', 'createdAt'])
@Index('ix_referral_from_org', ['fromOrganisationId', 'createdAt'])
@Index('ix_referral_case', ['caseId'])
@Index('ix_referral_report', ['reportId'])
@Index('uq_referral_open', ['caseId', 'toOrganisationId', 'serviceType'], {
  unique: true,
  where: `status IN ('draft', 'sent', 'accepted')`,
})
export class ReferralEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'case_id' })
  caseId: string;

  /** the report whose consent to share this referral rests on */
  @Column({ type: 'uuid', name: 'report_id' })
  reportId: string;

  @Column({ type: 'uuid', name: 'from_organisation_id' })
  fromOrganisationId: string;

  @Column({ type: 'uuid', name: 'to_organisation_id' })
  toOrganisationId: string;

  @Column({ type: 'text', name: 'service_type' })
  serviceType: string;

  @Column({ type: 'text', default: 'draft' })
  status: ReferralStatus;

  /** the counsellor's summary for the partner; encrypted with the case's data key */
  @Column({ type: 'bytea', nullable: true })
  summary: Buffer | null;

  @Column({ type: 'text', array: true, name: 'shared_fields', default: () => "'{}'" })
  sharedFields: SharedField[];

  /** JSON of the shared fields' values, taken when sent; encrypted with the case's data key */
  @Column({ type: 'bytea', name: 'shared_data', nullable: true })
  sharedData: Buffer | null;

  /** the case's data key (copied, so partner reads never touch the case row) */
  @Column({ type: 'uuid', name: 'data_key_id' })
  dataKeyId: string;

  @Column({ type: 'text', name: 'decline_reason', nullable: true })
  declineReason: string | null;

  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  @Column({ type: 'bytea', nullable: true })
  feedback: Buffer | null;

  /** consent_withdrawn | counsellor */
  @Column({ type: 'text', name: 'revoke_reason', nullable: true })
  revokeReason: string | null;

  @Column({ type: 'uuid', name: 'created_by' })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'timestamptz', name: 'accepted_at', nullable: true })
  acceptedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'declined_at', nullable: true })
  declinedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'completed_at', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  /** when the "still unanswered" reminder went out (once per referral) */
  @Column({ type: 'timestamptz', name: 'reminded_at', nullable: true })
  remindedAt: Date | null;

  @VersionColumn()
  version: number;
}
