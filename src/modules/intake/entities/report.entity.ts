import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { OrganisationEntity } from '../../auth/entities/organisation.entity.js';
import type {
  Channel,
  ContactChannel,
  LifeArea,
  ReporterRole,
  WhenKind,
} from '../../../common/domain/vocabulary.js';

/** Where a report stands, as the reporter sees it; the cases module moves it on. */
export const REPORT_STATUSES = ['new', 'triage', 'open', 'closed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/**
 * A report as submitted. Classification codes stay in clear (statistics); everything a person wrote
 * — narrative, free-text place and "other" ground, approximate time, contact details — is encrypted
 * with the report's own data key. Destroying that key erases the report's content (crypto-shredding).
 * No IP address, User-Agent or other trace of the reporter's device is stored.
 */
@Entity('report')
@Index('ix_report_inbox', ['receivingOrganisationId', 'createdAt'])
/** statistics: the reports received in a period — covering (INCLUDE), see migration StatisticsMonthParts */
@Index('ix_report_created', { synchronize: false })
export class ReportEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'receiving_organisation_id' })
  receivingOrganisationId: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'receiving_organisation_id' })
  receivingOrganisation?: OrganisationEntity;

  @Column({ type: 'text' })
  channel: Channel;

  @Column({ type: 'text', name: 'reporter_role' })
  reporterRole: ReporterRole;

  /** staff member who recorded a report received by phone, in person, letter or e-mail */
  @Column({ type: 'uuid', name: 'entered_by', nullable: true })
  enteredBy: string | null;

  @Column({ type: 'uuid', name: 'data_key_id' })
  dataKeyId: string;

  /** encrypted: the reporter's account (version + JSON of narrative, place, approximate time, other ground) */
  @Column({ type: 'bytea' })
  content: Buffer;

  /** encrypted JSON of name, e-mail, phone, address, call times; null without contact */
  @Column({ type: 'bytea', nullable: true })
  contact: Buffer | null;

  @Column({ type: 'text', name: 'contact_channel' })
  contactChannel: ContactChannel;

  @Column({ type: 'text', name: 'preferred_language' })
  preferredLanguage: string;

  @Column({ type: 'text', name: 'when_kind' })
  whenKind: WhenKind;

  /** the date, or the first day of the month for 'month'; null for approximate/ongoing */
  @Column({ type: 'date', name: 'incident_date', nullable: true })
  incidentDate: string | null;

  /** a district code from the settings, 'online', 'outside_city' or 'unknown' */
  @Column({ type: 'text' })
  district: string;

  @Column({ type: 'text', array: true })
  grounds: string[];

  @Column({ type: 'text', name: 'life_area' })
  lifeArea: LifeArea;

  @Column({ type: 'text', array: true, name: 'support_wishes' })
  supportWishes: string[];

  @Column({ type: 'text', default: 'new' })
  status: ReportStatus;

  /** set when the report itself is closed in the inbox (duplicate, spam); such reports are never counted */
  @Column({ type: 'text', name: 'closure_reason', nullable: true })
  closureReason: string | null;

  /** argon2id(receipt, installation salt): the hash is the lookup key, the receipt is never stored */
  @Column({ type: 'text', name: 'receipt_hash', unique: true })
  receiptHash: string;

  /** SHA-256 of the form's idempotency token: a retry never creates a second report */
  @Column({ type: 'text', name: 'idempotency_hash', unique: true, nullable: true })
  idempotencyHash: string | null;

  /** the receipt, encrypted, kept only so a retry within 24 h shows the same receipt; then erased */
  @Column({ type: 'bytea', name: 'receipt_replay', nullable: true })
  receiptReplay: Buffer | null;

  @Column({ type: 'timestamptz', name: 'receipt_replay_until', nullable: true })
  receiptReplayUntil: Date | null;

  /** mirror of the consent ledger for fast statistics filtering */
  @Column({ type: 'boolean', name: 'statistics_opt_out', default: false })
  statisticsOptOut: boolean;

  @Column({ type: 'timestamptz', name: 'deletion_requested_at', nullable: true })
  deletionRequestedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'erased_at', nullable: true })
  erasedAt: Date | null;
}
