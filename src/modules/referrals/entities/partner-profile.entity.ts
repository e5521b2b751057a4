import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { AccessibilityFeature, Capacity } from '../referrals.constants.js';

/**
 * One organisation's entry in the partner directory: public information only (it is shown on the
 * public /help page once published), so nothing here is encrypted. Codes only (DOMAIN.md
 * service_type, ISO language codes, the installation's district codes).
 */
@Entity('partner_profile')
export class PartnerProfileEntity {
  /** one entry per organisation */
  @PrimaryColumn({ type: 'uuid', name: 'organisation_id' })
  organisationId: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  services: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  languages: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  districts: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  accessibility: AccessibilityFeature[];

  @Column({ type: 'text', name: 'opening_hours', default: '' })
  openingHours: string;

  /** a short public description in German (the directory's reference language) */
  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'text', default: '' })
  phone: string;

  @Column({ type: 'text', default: '' })
  email: string;

  @Column({ type: 'text', default: '' })
  address: string;

  @Column({ type: 'text', default: '' })
  website: string;

  @Column({ type: 'boolean', name: 'takes_referrals', default: false })
  takesReferrals: boolean;

  @Column({ type: 'text', default: 'open' })
  capacity: Capacity;

  /** shown on the public /help page */
  @Column({ type: 'boolean', default: false })
  published: boolean;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
