import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

export const CASE_STATUSES = ['new', 'triage', 'open', 'on_hold', 'referred', 'closed', 'reopened'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CLOSURE_REASONS = [
  'counselling_completed',
  'referred_on',
  'no_contact_possible',
  'withdrawn_by_reporter',
  'no_discrimination',
  'duplicate',
  'spam',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];
/** closed with these, a case is never counted in statistics */
export const UNCOUNTED_CLOSURES: readonly ClosureReason[] = ['duplicate', 'spam'];

/**
 * A counselling case of one organisation. The assessment (codes) stays in clear for statistics and
 * work lists; everything people write lives encrypted in notes, messages, tasks and interventions
 * under the case's data key. `version` is the optimistic lock: of two counsellors saving the same
 * case, the second gets 409.
 */
@Entity('case_file')
@Index('ix_case_org_status_activity', ['organisationId', 'status', 'lastActivityAt', 'id'])
@Index('ix_case_org_activity', ['organisationId', 'lastActivityAt', 'id'])
@Index('ix_case_assignees', ['assignees'])
@Index('uq_case_reference', ['reference'], { unique: true })
@Index('ix_case_org_deadline', ['organisationId', 'deadlineDue', 'id'])
@Index('ix_case_org_created', ['organisationId', 'createdAt', 'id'])
/** statistics: the cases opened in a period, across organisations */
@Index('ix_case_created', ['createdAt'])
/** statistics: the cases that never count (opt-out, duplicate, spam) — partial and covering, see migrations StatisticsIndexes and StatisticsMonthParts */
@Index('ix_case_uncounted', { synchronize: false })
@Index('ix_case_assignees_gin', ['assignees'], { type: 'gin' })
@Index('ix_case_grounds_gin', ['grounds'], { type: 'gin' })
@Index('ix_case_tags_gin', ['tags'], { type: 'gin' })
/** organisation_id, reference COLLATE "C": not expressible here, see migration WorklistIndexes */
@Index('ix_case_org_reference', { synchronize: false })
/** partial (live / open cases) and covering (INCLUDE): see migration WorklistPerformance */
@Index('ix_case_open_activity', { synchronize: false })
@Index('ix_case_open_deadline', { synchronize: false })
@Index('ix_case_open_status_area', { synchronize: false })
@Index('ix_case_open_unassigned', { synchronize: false })
@Index('ix_case_open_id', { synchronize: false })
@Index('ix_case_live_activity', { synchronize: false })
export class CaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'organisation_id' })
  organisationId: string;

  /** organisation prefix + year + sequence, e.g. HAL-2026-0042 */
  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  status: CaseStatus;

  @Column({ type: 'text', name: 'closure_reason', nullable: true })
  closureReason: ClosureReason | null;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  assignees: string[];

  @Column({ type: 'uuid', name: 'data_key_id' })
  dataKeyId: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  grounds: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  forms: string[];

  @Column({ type: 'text', nullable: true })
  level: string | null;

  @Column({ type: 'text', name: 'life_area', nullable: true })
  lifeArea: string | null;

  @Column({ type: 'text', name: 'perpetrator_type', nullable: true })
  perpetratorType: string | null;

  @Column({ type: 'text', nullable: true })
  district: string | null;

  @Column({ type: 'text', name: 'when_kind' })
  whenKind: string;

  @Column({ type: 'date', name: 'incident_date', nullable: true })
  incidentDate: string | null;

  /** when the person learned of it (AGG §15(4) counts from then) */
  @Column({ type: 'date', name: 'learned_on', nullable: true })
  learnedOn: string | null;

  @Column({ type: 'boolean', default: false })
  intersectional: boolean;

  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'boolean', name: 'statistics_opt_out', default: false })
  statisticsOptOut: boolean;

  /** the computed AGG deadline (after §193 BGB), for work lists; null when none or unclear */
  @Column({ type: 'date', name: 'deadline_due', nullable: true })
  deadlineDue: string | null;

  @Column({ type: 'date', name: 'retention_until', nullable: true })
  retentionUntil: string | null;

  @Column({ type: 'text', name: 'legal_hold_reason', nullable: true })
  legalHoldReason: string | null;

  @Column({ type: 'timestamptz', name: 'last_activity_at' })
  lastActivityAt: Date;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'first_response_at', nullable: true })
  firstResponseAt: Date | null;

  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'erased_at', nullable: true })
  erasedAt: Date | null;

  @VersionColumn()
  version: number;
}
