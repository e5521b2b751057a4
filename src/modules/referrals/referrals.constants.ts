import { OUTCOMES, SERVICE_TYPES } from '../../common/domain/vocabulary.js';
import type { OrganisationKind } from '../auth/entities/organisation.entity.js';

export { OUTCOMES, SERVICE_TYPES };
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Organisation kinds that have an entry in the partner directory. */
export const PARTNER_KINDS: readonly OrganisationKind[] = [
  'partner_service',
  'migrant_organisation',
  'city_office',
  'counselling',
];

export const ACCESSIBILITY_FEATURES = ['step_free', 'sign_language', 'childcare', 'interpreters'] as const;
export type AccessibilityFeature = (typeof ACCESSIBILITY_FEATURES)[number];

export const CAPACITIES = ['open', 'waiting_list', 'not_accepting'] as const;
export type Capacity = (typeof CAPACITIES)[number];

/** DOMAIN.md "Referral status". */
export const REFERRAL_STATUSES = ['draft', 'sent', 'accepted', 'declined', 'completed', 'revoked'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
/** open = resting on the reporter's consent to share; at most one per case, partner and service */
export const OPEN_STATUSES: readonly ReferralStatus[] = ['draft', 'sent', 'accepted'];

/**
 * What a referral may pass on, field by field. The reporter confirms each referral with the
 * organisation and these fields named; nothing identifying is pre-selected.
 */
export const SHARED_FIELDS = [
  'narrative',
  'contact',
  'preferred_language',
  'grounds',
  'life_area',
  'district',
  'incident_date',
] as const;
export type SharedField = (typeof SHARED_FIELDS)[number];
export const IDENTIFYING_FIELDS: readonly SharedField[] = ['narrative', 'contact', 'incident_date'];

/** ISO 639 codes of languages a partner may list (labels come from Intl.DisplayNames). */
export const PARTNER_LANGUAGES = [
  'de',
  'en',
  'ar',
  'fa',
  'prs',
  'uk',
  'ru',
  'tr',
  'ku',
  'ti',
  'fr',
  'es',
  'pl',
  'ro',
  'bg',
  'vi',
  'so',
  'ps',
  'sq',
  'sr',
  'it',
  'pt',
  'zh',
] as const;

/** E-mail templates (STAFF_EMAIL_TEMPLATES must list them). */
export const REFERRAL_NEW_TEMPLATE = 'referral-new';
export const REFERRAL_REMINDER_TEMPLATE = 'referral-reminder';

export { CLOCK, systemClock, type Clock } from '../../common/clock.js';
