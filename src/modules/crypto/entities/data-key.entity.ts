import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A record's data key, wrapped (AES-256-GCM) by a master key that never enters the database.
 * Destroying it (wrapped = NULL) makes every field encrypted with it unreadable: crypto-shredding.
 */
@Entity('data_key')
export class DataKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', name: 'master_key_id' })
  masterKeyId: string;

  @Column({ type: 'bytea', nullable: true })
  wrapped: Buffer | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'destroyed_at', nullable: true })
  destroyedAt: Date | null;
}
