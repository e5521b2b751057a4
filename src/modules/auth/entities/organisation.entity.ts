import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ORGANISATION_KINDS = [
  'service_centre',
  'counselling',
  'migrant_organisation',
  'partner_service',
  'city_office',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

@Entity('organisation')
export class OrganisationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Short upper-case prefix used in reference numbers (e.g. HAL-2026-0042); unique. */
  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ type: 'text' })
  kind: OrganisationKind;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}
