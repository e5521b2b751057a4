import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { FieldError } from '../../common/errors/domain-error.js';
import type { StaffContext } from '../../common/http/request-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { OrganisationEntity } from '../auth/entities/organisation.entity.js';
import { StaffService } from '../auth/staff.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { PartnerProfileEntity } from './entities/partner-profile.entity.js';
import {
  ACCESSIBILITY_FEATURES,
  CAPACITIES,
  PARTNER_KINDS,
  PARTNER_LANGUAGES,
  SERVICE_TYPES,
  type AccessibilityFeature,
  type Capacity,
} from './referrals.constants.js';
import { ReferralErrors } from './referrals.errors.js';

export interface PartnerProfileInput {
  services?: string[];
  languages?: string[];
  districts?: string[];
  accessibility?: string[];
  openingHours?: string;
  description?: string;
  phone?: string;
  email?: string;
  address?: string;
  website?: string;
  takesReferrals?: boolean;
  capacity?: string;
  published?: boolean;
}

export interface PartnerEntry {
  organisationId: string;
  name: string;
  code: string;
  kind: string;
  services: string[];
  languages: string[];
  districts: string[];
  accessibility: AccessibilityFeature[];
  openingHours: string;
  description: string;
  phone: string;
  email: string;
  address: string;
  website: string;
  takesReferrals: boolean;
  capacity: Capacity;
  published: boolean;
  version: number;
}

const EMPTY = (organisationId: string): Omit<PartnerProfileEntity, 'createdAt' | 'updatedAt'> => ({
  organisationId,
  services: [],
  languages: [],
  districts: [],
  accessibility: [],
  openingHours: '',
  description: '',
  phone: '',
  email: '',
  address: '',
  website: '',
  takesReferrals: false,
  capacity: 'open',
  published: false,
  version: 0,
});

/**
 * The partner directory: one public entry per partner-kind organisation. Admins of the service
 * centre manage every entry; the admin of a partner organisation edits its own. Every change is
 * audited. Public reads (the /help page) see published entries of active organisations only.
 */
@Injectable()
export class PartnersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly staff: StaffService,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
  ) {}

  private view(
    org: OrganisationEntity,
    p: Omit<PartnerProfileEntity, 'createdAt' | 'updatedAt'>,
  ): PartnerEntry {
    return {
      organisationId: org.id,
      name: org.name,
      code: org.code,
      kind: org.kind,
      services: p.services,
      languages: p.languages,
      districts: p.districts,
      accessibility: p.accessibility,
      openingHours: p.openingHours,
      description: p.description,
      phone: p.phone,
      email: p.email,
      address: p.address,
      website: p.website,
      takesReferrals: p.takesReferrals,
      capacity: p.capacity,
      published: p.published,
      version: p.version,
    };
  }

  /** Every partner-kind organisation with its entry (an empty one when none exists yet). */
  async list(opts: { onlyPublished?: boolean } = {}): Promise<PartnerEntry[]> {
    const orgs = (await this.staff.listOrganisations()).filter(
      (o) => PARTNER_KINDS.includes(o.kind) && !o.disabledAt,
    );
    const profiles = new Map(
      (await this.db.getRepository(PartnerProfileEntity).find()).map((p) => [p.organisationId, p]),
    );
    return orgs
      .map((o) => this.view(o, profiles.get(o.id) ?? EMPTY(o.id)))
      .filter((e) => !opts.onlyPublished || e.published);
  }

  /** Public search for /help: published entries matching every given filter. */
  async search(filter: { service?: string; language?: string; district?: string }): Promise<PartnerEntry[]> {
    return (await this.list({ onlyPublished: true })).filter(
      (e) =>
        (!filter.service || e.services.includes(filter.service)) &&
        (!filter.language || e.languages.includes(filter.language)) &&
        (!filter.district || e.districts.includes(filter.district)),
    );
  }

  async get(organisationId: string): Promise<PartnerEntry> {
    const org = /^[0-9a-f-]{36}$/i.test(organisationId)
      ? await this.staff.findOrganisation(organisationId)
      : null;
    if (!org || !PARTNER_KINDS.includes(org.kind) || org.disabledAt) throw ReferralErrors.notFound();
    const p = await this.db.getRepository(PartnerProfileEntity).findOneBy({ organisationId });
    return this.view(org, p ?? EMPTY(org.id));
  }

  /** Service-centre admins manage every entry; other admins only their own organisation's. */
  async canEdit(s: StaffContext, organisationId: string): Promise<boolean> {
    if (s.role !== 'admin') return false;
    if (s.organisationId === organisationId) return true;
    const own = await this.staff.findOrganisation(s.organisationId);
    return own?.kind === 'service_centre';
  }

  async check(input: PartnerProfileInput): Promise<FieldError[]> {
    const errs: FieldError[] = [];
    const bad = (field: string) => errs.push({ field, messageKey: 'validation.isIn' });
    const allIn = (v: string[] | undefined, list: readonly string[]) =>
      !v || v.every((x) => list.includes(x));
    const districts = [...(await this.settings.districts()).map((d) => d.code), 'citywide'];
    if (!allIn(input.services, SERVICE_TYPES)) bad('services');
    if (!allIn(input.languages, PARTNER_LANGUAGES)) bad('languages');
    if (!allIn(input.districts, districts)) bad('districts');
    if (!allIn(input.accessibility, ACCESSIBILITY_FEATURES)) bad('accessibility');
    if (input.capacity !== undefined && !(CAPACITIES as readonly string[]).includes(input.capacity))
      bad('capacity');
    if (input.website && !/^https?:\/\/[^\s<>"]+$/i.test(input.website))
      errs.push({ field: 'website', messageKey: 'referrals.errors.website' });
    if (input.email && !/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(input.email))
      errs.push({ field: 'email', messageKey: 'validation.isEmail' });
    for (const f of ['openingHours', 'description', 'address'] as const)
      if ((input[f] ?? '').length > 2000) errs.push({ field: f, messageKey: 'validation.maxLength' });
    for (const f of ['phone', 'email', 'website'] as const)
      if ((input[f] ?? '').length > 300) errs.push({ field: f, messageKey: 'validation.maxLength' });
    return errs;
  }

  /** Creates or updates an entry (optimistic locking with the version read; 0 for a new entry). */
  async save(
    s: StaffContext,
    organisationId: string,
    input: PartnerProfileInput,
    version?: number,
  ): Promise<PartnerEntry> {
    const current = await this.get(organisationId);
    if (!(await this.canEdit(s, organisationId))) {
      await this.audit.recordNow({
        actorType: 'staff',
        actorId: s.userId,
        organisationId: s.organisationId,
        action: 'partner_profile.update_denied',
        entityType: 'organisation',
        entityId: organisationId,
      });
      throw ReferralErrors.notFound();
    }
    const errs = await this.check(input);
    if (errs.length) throw ReferralErrors.validation(errs);
    const uniq = (v: string[] | undefined) => (v ? [...new Set(v)] : undefined);
    const patch = Object.fromEntries(
      Object.entries({
        ...input,
        services: uniq(input.services),
        languages: uniq(input.languages),
        districts: uniq(input.districts),
        accessibility: uniq(input.accessibility),
        openingHours: input.openingHours?.trim(),
        description: input.description?.trim(),
        phone: input.phone?.trim(),
        email: input.email?.trim(),
        address: input.address?.trim(),
        website: input.website?.trim(),
      }).filter(([, v]) => v !== undefined),
    ) as Partial<PartnerProfileEntity>;
    await this.db.transaction(async (m) => {
      const repo = m.getRepository(PartnerProfileEntity);
      const existing = await repo.findOne({ where: { organisationId }, lock: { mode: 'pessimistic_write' } });
      if (version !== undefined && (existing?.version ?? 0) !== version) throw ReferralErrors.stale();
      if (existing) {
        await repo.update({ organisationId }, { ...patch, version: existing.version + 1 });
      } else {
        await repo.insert({ ...EMPTY(organisationId), ...patch, version: 1 });
      }
      await this.audit.record(m, {
        actorType: 'staff',
        actorId: s.userId,
        organisationId: s.organisationId,
        action: existing ? 'partner_profile.update' : 'partner_profile.create',
        entityType: 'organisation',
        entityId: current.organisationId,
      });
    });
    return this.get(organisationId);
  }

  /** For the demo seeder and the CLI: writes an entry without a staff actor (audited as system). */
  async upsertAsSystem(organisationId: string, input: PartnerProfileInput): Promise<void> {
    const errs = await this.check(input);
    if (errs.length) throw ReferralErrors.validation(errs);
    await this.db.transaction(async (m) => {
      const repo = m.getRepository(PartnerProfileEntity);
      const existing = await repo.findOneBy({ organisationId });
      if (existing)
        await repo.update({ organisationId }, { ...input, version: existing.version + 1 } as object);
      else await repo.insert({ ...EMPTY(organisationId), ...input, version: 1 } as PartnerProfileEntity);
      await this.audit.record(m, {
        actorType: 'system',
        action: existing ? 'partner_profile.update' : 'partner_profile.create',
        entityType: 'organisation',
        entityId: organisationId,
      });
    });
  }

  /** Whether the organisation can receive a referral now. */
  async referable(organisationId: string): Promise<PartnerEntry | null> {
    try {
      const e = await this.get(organisationId);
      return e.takesReferrals && e.capacity !== 'not_accepting' ? e : null;
    } catch {
      return null;
    }
  }
}
