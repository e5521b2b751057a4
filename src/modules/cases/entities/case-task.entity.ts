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

/** A task on a case with a due date and an assignee; its title is encrypted (it is free text). */
@Entity('case_task')
@Index('ix_case_task_due', ['organisationId', 'doneAt', 'dueDate'])
@Index('ix_case_task_case', ['caseId'])
export class CaseTaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'case_id' })
  caseId: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id' })
  case?: CaseEntity;

  @Column({ type: 'uuid', name: 'organisation_id' })
  organisationId: string;

  @Column({ type: 'bytea' })
  title: Buffer;

  @Column({ type: 'date', name: 'due_date' })
  dueDate: string;

  @Column({ type: 'uuid', name: 'assignee_id', nullable: true })
  assigneeId: string | null;

  @Column({ type: 'timestamptz', name: 'done_at', nullable: true })
  doneAt: Date | null;

  @Column({ type: 'timestamptz', name: 'overdue_notified_at', nullable: true })
  overdueNotifiedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
