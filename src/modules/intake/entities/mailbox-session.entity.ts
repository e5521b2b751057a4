import { Column, JoinColumn, ManyToOne, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { ReportEntity } from './report.entity.js';

/** A reporter's mailbox session (20 minutes idle); only the token's hash is stored. */
@Entity('mailbox_session')
@Index('ix_mailbox_session_report', ['reportId'])
export class MailboxSessionEntity {
  @PrimaryColumn({ type: 'text', name: 'token_hash' })
  tokenHash: string;

  @Column({ type: 'uuid', name: 'report_id' })
  reportId: string;

  @ManyToOne(() => ReportEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id' })
  report?: ReportEntity;

  @Column({ type: 'text', name: 'csrf_token' })
  csrfToken: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'last_seen_at' })
  lastSeenAt: Date;
}
