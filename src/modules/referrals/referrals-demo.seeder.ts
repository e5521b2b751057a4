import { Injectable } from '@nestjs/common';
import type { OrganisationKind } from '../auth/entities/organisation.entity.js';
import { StaffService, SYSTEM_ACTOR } from '../auth/staff.service.js';
import { PartnersService, type PartnerProfileInput } from './partners.service.js';

/**
 * A fictional partner network for Halle (Saale): names, addresses and numbers are made up (phone
 * numbers from the range reserved for drama, 0345 99…; e-mail under example.org), the kinds of
 * services and languages are typical of the city's network.
 */
const NETWORK: { code: string; name: string; kind: OrganisationKind; profile: PartnerProfileInput }[] = [
  {
    code: 'RHS',
    name: 'Rechtshilfe für Geflüchtete (Demo)',
    kind: 'partner_service',
    profile: {
      services: ['legal_aid', 'migration_counselling'],
      languages: ['de', 'en', 'ar', 'fa', 'fr'],
      districts: ['mitte', 'citywide'],
      accessibility: ['step_free', 'interpreters'],
      openingHours: 'Di 10–13 Uhr offene Sprechstunde, Do 14–18 Uhr nach Vereinbarung',
      description: 'Kostenlose Rechtsberatung zu Aufenthalt, Asyl, Arbeit und Diskriminierung (AGG).',
      phone: '0345 9900 101',
      email: 'rechtshilfe@example.org',
      address: 'Große Ulrichstraße 1 (Demo), 06108 Halle (Saale)',
      website: 'https://rechtshilfe.example.org',
      takesReferrals: true,
      capacity: 'waiting_list',
      published: true,
    },
  },
  {
    code: 'PSZ',
    name: 'Psychosoziales Zentrum für Geflüchtete (Demo)',
    kind: 'partner_service',
    profile: {
      services: ['psychosocial_support'],
      languages: ['de', 'en', 'ar', 'fa', 'prs', 'ti', 'ku'],
      districts: ['citywide'],
      accessibility: ['interpreters', 'childcare'],
      openingHours: 'Mo–Fr 9–16 Uhr, Erstgespräch nach telefonischer Anmeldung',
      description:
        'Psychologische Beratung und Therapie mit Sprachmittlung, auch nach rassistischen Erfahrungen.',
      phone: '0345 9900 102',
      email: 'psz@example.org',
      address: 'Merseburger Straße 10 (Demo), 06110 Halle (Saale)',
      website: 'https://psz.example.org',
      takesReferrals: true,
      capacity: 'waiting_list',
      published: true,
    },
  },
  {
    code: 'OBS',
    name: 'Opferberatung nach rechter Gewalt (Demo)',
    kind: 'partner_service',
    profile: {
      services: ['victim_support', 'anti_discrimination_counselling'],
      languages: ['de', 'en', 'ru', 'ar', 'tr'],
      districts: ['citywide'],
      accessibility: ['step_free', 'interpreters'],
      openingHours: 'Mo–Do 10–17 Uhr, auch aufsuchend',
      description:
        'Unterstützung für Betroffene rechter, rassistischer und antisemitischer Gewalt und ihre Angehörigen.',
      phone: '0345 9900 103',
      email: 'opferberatung@example.org',
      address: 'Leipziger Straße 20 (Demo), 06108 Halle (Saale)',
      website: 'https://opferberatung.example.org',
      takesReferrals: true,
      capacity: 'open',
      published: true,
    },
  },
  {
    code: 'MBE',
    name: 'Migrationsberatung für Erwachsene (Demo)',
    kind: 'partner_service',
    profile: {
      services: ['migration_counselling', 'employment_support'],
      languages: ['de', 'en', 'ar', 'uk', 'ru', 'tr'],
      districts: ['west', 'sued'],
      accessibility: ['step_free'],
      openingHours: 'Mo und Mi 9–12 Uhr, Di 13–17 Uhr',
      description: 'Beratung zu Aufenthalt, Anerkennung von Abschlüssen, Arbeit und Ämtern.',
      phone: '0345 9900 104',
      email: 'mbe@example.org',
      address: 'Am Gastronom 5 (Demo), 06124 Halle (Saale)',
      website: 'https://mbe.example.org',
      takesReferrals: true,
      capacity: 'open',
      published: true,
    },
  },
  {
    code: 'SPK',
    name: 'Sprachkurszentrum Saale (Demo)',
    kind: 'partner_service',
    profile: {
      services: ['language_course'],
      languages: ['de', 'en', 'uk', 'ar'],
      districts: ['mitte', 'nord'],
      accessibility: ['childcare'],
      openingHours: 'Kurse vormittags und abends; Anmeldung Mo–Fr 9–12 Uhr',
      description: 'Integrations- und Berufssprachkurse, Alphabetisierung, Kurse mit Kinderbetreuung.',
      phone: '0345 9900 105',
      email: 'sprachkurse@example.org',
      address: 'Reilstraße 30 (Demo), 06114 Halle (Saale)',
      website: 'https://sprachkurse.example.org',
      takesReferrals: true,
      capacity: 'open',
      published: true,
    },
  },
  {
    code: 'SMD',
    name: 'Sprach- und Kulturmittlungsdienst (Demo)',
    kind: 'partner_service',
    profile: {
      services: ['interpreting'],
      languages: ['ar', 'fa', 'prs', 'ku', 'ti', 'uk', 'ru', 'tr', 'fr', 'en', 'so', 'ps'],
      districts: ['citywide'],
      accessibility: ['interpreters'],
      openingHours: 'Einsätze nach Anfrage, Vermittlung Mo–Fr 8–16 Uhr',
      description: 'Sprachmittlung für Beratungsgespräche, Arzt- und Behördentermine, auch per Telefon.',
      phone: '0345 9900 106',
      email: 'sprachmittlung@example.org',
      address: 'Franckeplatz 2 (Demo), 06110 Halle (Saale)',
      website: 'https://sprachmittlung.example.org',
      takesReferrals: true,
      capacity: 'open',
      published: true,
    },
  },
  {
    code: 'WHB',
    name: 'Wohnhilfe Halle (Demo)',
    kind: 'partner_service',
    profile: {
      services: ['housing_support'],
      languages: ['de', 'en', 'ar', 'ru'],
      districts: ['sued', 'ost', 'west'],
      accessibility: ['step_free'],
      openingHours: 'Di und Do 9–15 Uhr',
      description: 'Hilfe bei Wohnungssuche, Mietproblemen und drohendem Wohnungsverlust.',
      phone: '0345 9900 107',
      email: 'wohnhilfe@example.org',
      address: 'Silberhöher Straße 7 (Demo), 06132 Halle (Saale)',
      website: 'https://wohnhilfe.example.org',
      takesReferrals: true,
      capacity: 'not_accepting',
      published: true,
    },
  },
  {
    code: 'MIO',
    name: 'Verbund der Migrantenorganisationen (Demo)',
    kind: 'migrant_organisation',
    profile: {
      services: ['migrant_organisation', 'anti_discrimination_counselling'],
      languages: ['de', 'ar', 'tr', 'ku', 'fa', 'ti', 'fr', 'uk'],
      districts: ['nord', 'mitte'],
      accessibility: ['childcare'],
      openingHours: 'Begegnungscafé Mi 15–19 Uhr, Beratung nach Vereinbarung',
      description:
        'Selbstorganisation von Migrantinnen und Migranten: Begleitung, Peer-Beratung, Projekte, Community.',
      phone: '0345 9900 108',
      email: 'verbund@example.org',
      address: 'Ludwig-Wucherer-Straße 40 (Demo), 06108 Halle (Saale)',
      website: 'https://verbund.example.org',
      takesReferrals: true,
      capacity: 'open',
      published: true,
    },
  },
  {
    code: 'ADB',
    name: 'Antidiskriminierungsberatung Saale (Demo)',
    kind: 'counselling',
    profile: {
      services: ['anti_discrimination_counselling'],
      languages: ['de', 'en', 'ar', 'fr'],
      districts: ['citywide'],
      accessibility: ['step_free', 'sign_language'],
      openingHours: 'Mo–Fr 10–16 Uhr, Termine auch online',
      description: 'Beratung bei Diskriminierung nach dem AGG: Beschwerden, Fristen, Begleitung.',
      phone: '0345 9900 109',
      email: 'adb@example.org',
      address: 'Rathausstraße 3 (Demo), 06108 Halle (Saale)',
      website: 'https://adb.example.org',
      takesReferrals: true,
      capacity: 'open',
      published: true,
    },
  },
  {
    code: 'STA',
    name: 'Stabsstelle Migration und Integration (Demo)',
    kind: 'city_office',
    profile: {
      services: ['city_office'],
      languages: ['de', 'en'],
      districts: ['citywide'],
      accessibility: ['step_free', 'sign_language'],
      openingHours: 'Mo–Do 9–15 Uhr, Fr 9–12 Uhr',
      description: 'Koordiniert das städtische Netzwerk für Integration und Demokratie.',
      phone: '0345 9900 110',
      email: 'integration@example.org',
      address: 'Marktplatz 1 (Demo), 06108 Halle (Saale)',
      website: 'https://stadt.example.org',
      takesReferrals: false,
      capacity: 'open',
      published: true,
    },
  },
  {
    code: 'ABH',
    name: 'Ausländerbehörde – Servicepunkt (Demo)',
    kind: 'city_office',
    profile: {
      services: ['city_office', 'migration_counselling'],
      languages: ['de', 'en', 'ar', 'uk'],
      districts: ['citywide'],
      accessibility: ['step_free'],
      openingHours: 'Nach Terminvereinbarung',
      description: 'Auskunft zu Aufenthaltstiteln und Terminen; Beschwerden nimmt die Stabsstelle entgegen.',
      phone: '0345 9900 111',
      email: 'servicepunkt@example.org',
      address: 'Am Stadion 5 (Demo), 06122 Halle (Saale)',
      website: 'https://stadt.example.org/servicepunkt',
      takesReferrals: true,
      capacity: 'waiting_list',
      published: true,
    },
  },
];

@Injectable()
export class ReferralsDemoSeeder {
  constructor(
    private readonly staff: StaffService,
    private readonly partners: PartnersService,
  ) {}

  /** Idempotent: existing organisations are reused, their entries overwritten with the demo entry. */
  async seed(): Promise<{ organisations: number; entries: number }> {
    let created = 0;
    for (const o of NETWORK) {
      let org = await this.staff.findOrganisationByCode(o.code);
      if (!org) {
        org = await this.staff.createOrganisation(SYSTEM_ACTOR, { code: o.code, name: o.name, kind: o.kind });
        created++;
      }
      await this.partners.upsertAsSystem(org.id, o.profile);
    }
    return { organisations: created, entries: NETWORK.length };
  }
}
