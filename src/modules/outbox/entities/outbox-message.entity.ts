import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transactional outbox: written in the same transaction as the domain change; relayed to the queue
 * with jobId = id. Done only when its job has completed (completed_at), so a Redis restart that drops
 * queued jobs loses nothing: undone rows are sent again. Payloads carry ids, never personal data.
 */
@Entity('outbox_message')
@Index('ix_outbox_pending', ['createdAt'], { where: 'completed_at IS NULL AND cancelled_at IS NULL' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  queue: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, string | number | boolean | null>;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'available_at', default: () => 'now()' })
  availableAt: Date;

  @Column({ type: 'timestamptz', name: 'dispatched_at', nullable: true })
  dispatchedAt: Date | null;

  @Column({ type: 'int', name: 'dispatch_count', default: 0 })
  dispatchCount: number;

  @Column({ type: 'timestamptz', name: 'completed_at', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'cancelled_at', nullable: true })
  cancelledAt: Date | null;
}
