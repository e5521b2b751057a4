import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StaffService, SYSTEM_ACTOR } from '../auth/staff.service.js';
import type { OrganisationKind } from '../auth/entities/organisation.entity.js';
import type { StaffRole } from '../auth/entities/staff-user.entity.js';
import { generatePassword } from '../auth/passwords.js';

export interface DemoLogin {
  role: StaffRole;
  email: string;
  password: string;
  organisation: string;
}

/** Fictional organisations of a Halle-like network. Later modules add partners, reports and cases. */
const ORGANISATIONS: { code: string; name: string; kind: OrganisationKind }[] = [
  { code: 'SZI', name: 'Servicezentrum Integration und Demokratie', kind: 'service_centre' },
  { code: 'ADB', name: 'Antidiskriminierungsberatung Saale (Demo)', kind: 'counselling' },
  { code: 'MIO', name: 'Verbund der Migrantenorganisationen (Demo)', kind: 'migrant_organisation' },
  { code: 'RHS', name: 'Rechtshilfe für Geflüchtete (Demo)', kind: 'partner_service' },
  { code: 'STA', name: 'Stabsstelle Migration und Integration (Demo)', kind: 'city_office' },
];

const USERS: { email: string; name: string; role: StaffRole; org: string }[] = [
  { email: 'admin@demo.anlaufstelle.local', name: 'Demo Administration', role: 'admin', org: 'SZI' },
  { email: 'beratung@demo.anlaufstelle.local', name: 'Aylin Demir (Demo)', role: 'counsellor', org: 'ADB' },
  { email: 'beratung2@demo.anlaufstelle.local', name: 'Jonas Weber (Demo)', role: 'counsellor', org: 'MIO' },
  {
    email: 'integration@demo.anlaufstelle.local',
    name: 'Migrations- und Integrationsbeauftragte (Demo)',
    role: 'officer',
    org: 'STA',
  },
  { email: 'partner@demo.anlaufstelle.local', name: 'Olena Kovalenko (Demo)', role: 'partner', org: 'RHS' },
];

@Injectable()
export class DemoService {
  constructor(
    private readonly staff: StaffService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * Idempotent: existing organisations and accounts are kept; accounts created now get a fresh
   * password, returned once for printing. Returns a login for every role that was created.
   */
  async seed(): Promise<DemoLogin[]> {
    const orgIds = new Map<string, string>();
    for (const o of ORGANISATIONS) {
      const existing = await this.staff.findOrganisationByCode(o.code);
      orgIds.set(o.code, existing ? existing.id : (await this.staff.createOrganisation(SYSTEM_ACTOR, o)).id);
    }
    const logins: DemoLogin[] = [];
    for (const u of USERS) {
      if (await this.staff.findUserByEmail(u.email)) continue;
      const password = generatePassword(16);
      await this.staff.createUser(SYSTEM_ACTOR, {
        organisationId: orgIds.get(u.org)!,
        email: u.email,
        displayName: u.name,
        role: u.role,
        password,
      });
      logins.push({ role: u.role, email: u.email, password, organisation: u.org });
    }
    return logins;
  }
}
