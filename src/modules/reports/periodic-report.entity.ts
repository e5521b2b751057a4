import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const PERIODIC_REPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type PeriodicReportStatus = (typeof PERIODIC_REPORT_STATUSES)[number];
export type PeriodicReportKind = 'month' | 'quarter' | 'year';

/**
 * A periodic PDF report of the anonymised statistics. Holds only the period, the rendered PDF (built
 * from the published release: no case, no free text) and its SHA-256; `error` is a reason, never content.
 */
@Entity('periodic_report')
@Index('ix_periodic_report_created', ['createdAt'])
// an automatic report exists once per period, kind and language, however often or wherever the job runs
@Index('uq_periodic_report_automatic', ['periodCode', 'kind', 'language'], {
  unique: true,
  where: 'automatic',
})
export class PeriodicReportEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `2026-Q3`, `2026` */
  @Column({ type: 'text', name: 'period_code' })
  periodCode: string;

  @Column({ type: 'text' })
  kind: PeriodicReportKind;

  @Column({ type: 'text' })
  language: string;

  @Column({ type: 'text', default: 'queued' })
  status: PeriodicReportStatus;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'bytea', nullable: true })
  pdf: Buffer | null;

  /** hex SHA-256 of `pdf` */
  @Column({ type: 'text', nullable: true })
  sha256: string | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  /** the staff user who asked for it; null for an automatic report */
  @Column({ type: 'uuid', name: 'requested_by', nullable: true })
  requestedBy: string | null;

  /** produced by the job after the period ended (not asked for by anyone) */
  @Column({ type: 'boolean', default: false })
  automatic: boolean;
}
