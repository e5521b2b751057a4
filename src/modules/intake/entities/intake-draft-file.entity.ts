import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Files already accepted while the rest of the form still had errors: kept encrypted for at most an
 * hour so the person need not choose them again, then removed with their data key.
 */
@Entity('intake_draft_file')
@Index('ix_intake_draft_token', ['draftHash'])
export class IntakeDraftFileEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** SHA-256 of the draft token in the form */
  @Column({ type: 'text', name: 'draft_hash' })
  draftHash: string;

  @Column({ type: 'uuid', name: 'data_key_id' })
  dataKeyId: string;

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

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt: Date;
}
