import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditActorType = 'staff' | 'reporter' | 'system';

/**
 * Append-only, hash-chained. Never content: who did what to which object, and when.
 * UPDATE and DELETE are refused by a trigger and not granted to the app role.
 */
@Entity('audit_event')
@Index('ix_audit_entity', ['entityType', 'entityId'])
// one successor per row: a forked chain is impossible even if the append lock were bypassed
@Index('uq_audit_prev_hash', ['prevHash'], { unique: true })
export class AuditEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt: Date;

  @Column({ type: 'text', name: 'actor_type' })
  actorType: AuditActorType;

  @Column({ type: 'uuid', name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column({ type: 'uuid', name: 'organisation_id', nullable: true })
  organisationId: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text', name: 'entity_type', nullable: true })
  entityType: string | null;

  @Column({ type: 'text', name: 'entity_id', nullable: true })
  entityId: string | null;

  @Column({ type: 'text', name: 'prev_hash' })
  prevHash: string;

  @Column({ type: 'text' })
  hash: string;
}
