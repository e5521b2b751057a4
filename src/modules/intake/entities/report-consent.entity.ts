import {
  Column,
  JoinColumn,
  ManyToOne,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ReportEntity } from './report.entity.js';
import type { ConsentPurpose } from '../../../common/domain/vocabulary.js';

/**
 * The consent ledger: every grant and every withdrawal is a dated entry; the current state of a
 * purpose is its latest entry. Staff-recorded (oral) consent says so.
 */
@Entity('report_consent')
@Index('ix_report_consent_report', ['reportId', 'purpose', 'id'])
export class ReportConsentEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid', name: 'report_id' })
  reportId: string;

  @ManyToOne(() => ReportEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id' })
  report?: ReportEntity;

  @Column({ type: 'text' })
  purpose: ConsentPurpose;

  @Column({ type: 'text' })
  action: 'grant' | 'withdraw';

  /** online (the reporter, in the form or mailbox) or oral/written (recorded by a counsellor) */
  @Column({ type: 'text' })
  form: 'online' | 'oral' | 'written';

  @Column({ type: 'uuid', name: 'recorded_by', nullable: true })
  recordedBy: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'recorded_at' })
  recordedAt: Date;
}
