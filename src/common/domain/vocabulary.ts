/**
 * The classification vocabulary (../shared/DOMAIN.md) in one place. Codes are stable identifiers:
 * store them, never labels; labels live in the locales under `vocab.<list>.<code>`.
 */
export const REPORTER_ROLES = ['affected', 'witness', 'organisation', 'staff_entry'] as const;
export type ReporterRole = (typeof REPORTER_ROLES)[number];
/** who may choose what on the public form (staff_entry is set by the system) */
export const PUBLIC_REPORTER_ROLES = ['affected', 'witness', 'organisation'] as const;

export const CHANNELS = ['web_form', 'api', 'phone', 'in_person', 'letter', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export const STAFF_CHANNELS = ['phone', 'in_person', 'letter', 'email'] as const;

export const GROUNDS = [
  'ethnic_origin',
  'gender',
  'religion_belief',
  'disability',
  'age',
  'sexual_identity',
  'antisemitism',
  'gender_identity',
  'chronic_illness',
  'language',
  'social_status',
  'nationality',
  'residence_status',
  'other',
  'unknown',
] as const;
export type Ground = (typeof GROUNDS)[number];

export const FORMS = [
  'direct',
  'indirect',
  'harassment',
  'sexual_harassment',
  'instruction',
  'failure_to_act',
  'violence',
  'threat',
  'property_damage',
  'insult',
] as const;
export type DiscriminationForm = (typeof FORMS)[number];

export const LEVELS = ['individual', 'institutional', 'structural'] as const;

export const LIFE_AREAS = [
  'employment',
  'housing',
  'goods_services',
  'education',
  'public_authorities',
  'police_justice',
  'health_care',
  'media_internet',
  'public_space',
  'other',
] as const;
export type LifeArea = (typeof LIFE_AREAS)[number];
/** life areas with an AGG deadline (§15(4), §21(5)); period per area in the settings */
export const DEADLINE_LIFE_AREAS: readonly LifeArea[] = ['employment', 'goods_services', 'housing'];

export const PERPETRATOR_TYPES = [
  'private_person',
  'business',
  'employer_colleague',
  'landlord',
  'public_authority',
  'police',
  'school_staff',
  'group_organised',
  'unknown',
] as const;

export const INTERVENTION_TYPES = [
  'counselling_talk',
  'memory_protocol',
  'complaint_letter',
  'request_statement',
  'mediation',
  'accompaniment',
  'referral',
  'testing',
  'legal_action',
  'public_action',
  'documentation_only',
] as const;

export const OUTCOMES = [
  'settled',
  'disadvantage_removed',
  'compensation',
  'referred_on',
  'no_further_action_wanted',
  'unsuccessful',
  'unknown',
] as const;

export const CONSENT_PURPOSES = ['store', 'contact', 'share', 'statistics_opt_out'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const SERVICE_TYPES = [
  'anti_discrimination_counselling',
  'legal_aid',
  'psychosocial_support',
  'victim_support',
  'migration_counselling',
  'language_course',
  'interpreting',
  'housing_support',
  'employment_support',
  'migrant_organisation',
  'city_office',
] as const;

/** what would help (optional, public form) */
export const SUPPORT_WISHES = [
  'counselling_talk',
  'legal_advice',
  'psychological_support',
  'documentation_only',
] as const;
export type SupportWish = (typeof SUPPORT_WISHES)[number];

export const CONTACT_CHANNELS = ['none', 'email', 'phone', 'post'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** when it happened: a date, month and year, roughly (free words), or still going on */
export const WHEN_KINDS = ['date', 'month', 'approximate', 'ongoing'] as const;
export type WhenKind = (typeof WHEN_KINDS)[number];

/** places beyond the installation's district list */
export const SPECIAL_PLACES = ['online', 'outside_city', 'unknown'] as const;
