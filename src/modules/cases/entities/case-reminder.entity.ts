import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A deadline reminder that was queued: (case, due date, days before) once only, even if the job runs twice. */
@Entity('case_reminder')
export class CaseReminderEntity {
  @PrimaryColumn({ type: 'uuid', name: 'case_id' })
  caseId: string;

  @PrimaryColumn({ type: 'date', name: 'due_date' })
  dueDate: string;

  @PrimaryColumn({ type: 'int', name: 'days_before' })
  daysBefore: number;

  @Column({ type: 'timestamptz', name: 'queued_at', default: () => 'now()' })
  queuedAt: Date;
}
