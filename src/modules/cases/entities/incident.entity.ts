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

/**
 * One event. Several reports (the affected person's and witnesses' accounts) describe one incident;
 * one case covers one or more incidents of the same person. Statistics count each unit separately.
 */
@Entity('incident')
@Index('ix_incident_case', ['caseId'])
/** statistics: the incidents recorded in a period */
@Index('ix_incident_created', ['createdAt'])
export class IncidentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'organisation_id' })
  organisationId: string;

  @Column({ type: 'uuid', name: 'case_id' })
  caseId: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id' })
  case?: CaseEntity;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
