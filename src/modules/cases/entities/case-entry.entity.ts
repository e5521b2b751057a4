import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { CaseEntity } from './case.entity.js';

export const ENTRY_KINDS = [
  'note',
  'intervention',
  'status',
  'assignment',
  'assessment',
  'message',
  'task',
  'report',
  'file',
  'transfer',
  'referral',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/**
 * The case timeline: one row per thing that happened. `meta` holds codes and ids only; anything a
 * person wrote (a note, an intervention's description and result) is in `body`, encrypted with the
 * case's data key. Personal notes are visible to their author only.
 */
@Entity('case_entry')
@Index('ix_case_entry_case', ['caseId', 'at'])
/** statistics: interventions in a period — partial (kind = 'intervention'), written by hand in its migration */
@Index('ix_case_entry_intervention_at', { synchronize: false })
export class CaseEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'case_id' })
  caseId: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id' })
  case?: CaseEntity;

  @Column({ type: 'uuid', name: 'organisation_id' })
  organisationId: string;

  @Column({ type: 'text' })
  kind: EntryKind;

  @Column({ type: 'uuid', name: 'author_id', nullable: true })
  authorId: string | null;

  /** team (all counsellors of the organisation) or personal (the author only) */
  @Column({ type: 'text', default: 'team' })
  visibility: 'team' | 'personal';

  @Column({ type: 'jsonb', default: () => "'{}'" })
  meta: Record<string, string | number | boolean | null | string[]>;

  @Column({ type: 'bytea', nullable: true })
  body: Buffer | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;
}
