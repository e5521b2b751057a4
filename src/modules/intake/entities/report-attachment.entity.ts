import {
  Column,
  JoinColumn,
  ManyToOne,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ReportMessageEntity } from './report-message.entity.js';
import { ReportEntity } from './report.entity.js';

/** A file, checked by content and re-encoded where it is an image, stored encrypted. Never a file name. */
@Entity('report_attachment')
@Index('ix_report_attachment_report', ['reportId'])
export class ReportAttachmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'report_id' })
  reportId: string;

  @ManyToOne(() => ReportEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id' })
  report?: ReportEntity;

  @Column({ type: 'uuid', name: 'message_id', nullable: true })
  messageId: string | null;

  @ManyToOne(() => ReportMessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: ReportMessageEntity;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'text' })
  mime: string;

  @Column({ type: 'int' })
  size: number;

  @Column({ type: 'bytea' })
  data: Buffer;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
