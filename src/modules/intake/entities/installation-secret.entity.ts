import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Installation-wide random values generated at first start: the receipt hash salt and the key that
 * signs the form's start time. Not the master key (which never enters the database).
 */
@Entity('installation_secret')
export class InstallationSecretEntity {
  @PrimaryColumn({ type: 'text' })
  name: string;

  @Column({ type: 'bytea' })
  value: Buffer;
}
