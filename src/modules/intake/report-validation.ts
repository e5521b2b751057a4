import {
  CONTACT_CHANNELS,
  GROUNDS,
  LIFE_AREAS,
  PUBLIC_REPORTER_ROLES,
  SPECIAL_PLACES,
  STAFF_CHANNELS,
  SUPPORT_WISHES,
  WHEN_KINDS,
  type ContactChannel,
  type LifeArea,
  type ReporterRole,
  type WhenKind,
} from '../../common/domain/vocabulary.js';
import type { FieldError } from '../../common/errors/domain-error.js';

export const NARRATIVE_MAX = 20_000;

/** A validated report, ready to be stored (files are inspected separately). */
export interface ReportInput {
  reporterRole: ReporterRole;
  channel?: (typeof STAFF_CHANNELS)[number];
  narrative: string;
  whenKind: WhenKind;
  /** YYYY-MM-DD: the day, or the first of the month */
  incidentDate: string | null;
  incidentApprox: string | null;
  district: string;
  place: string | null;
  grounds: string[];
  groundOther: string | null;
  lifeArea: LifeArea;
  wishes: string[];
  contactChannel: ContactChannel;
  contact: { name?: string; email?: string; phone?: string; address?: string; times?: string } | null;
  preferredLanguage: string;
  consents: { store: boolean; contact: boolean; share: boolean; statisticsOptOut: boolean };
}

/** What the form (or JSON) sent, untrusted; strings or arrays of strings. */
export type RawReport = Record<string, unknown>;

function str(raw: RawReport, key: string): string {
  const v = raw[key];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0].trim() : '';
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
}

function list(raw: RawReport, key: string): string[] {
  const v = raw[key];
  const arr = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
  return [...new Set(arr.filter((x): x is string => typeof x === 'string').map((x) => x.trim()))];
}

function bool(raw: RawReport, key: string): boolean {
  const v = raw[key];
  return v === true || v === 'yes' || v === 'true' || v === 'on' || v === '1';
}

/** Normalised text: no NUL or other control characters except line breaks and tabs. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

const EMAIL = /^[^\s@<>()",;]{1,64}@[^\s@<>()",;]+\.[^\s@<>()",;.]{2,}$/;
const PHONE = /^\+?[0-9][0-9 ()/.-]{4,30}$/;

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export interface ValidationContext {
  districtCodes: string[];
  languages: readonly string[];
  /** today in Europe/Berlin, YYYY-MM-DD */
  today: string;
  staffEntry?: boolean;
}

/**
 * Checks a report from the form or the API. Returns every problem at once, each with the field it
 * belongs to, so the page can show all messages next to their fields and keep everything entered.
 */
export function validateReport(
  raw: RawReport,
  ctx: ValidationContext,
): { input?: ReportInput; fields: FieldError[] } {
  const fields: FieldError[] = [];
  const err = (field: string, key: string, params?: Record<string, string | number>) =>
    fields.push({ field, messageKey: `intake.errors.${key}`, params });

  let reporterRole: ReporterRole = 'staff_entry';
  let channel: ReportInput['channel'];
  if (ctx.staffEntry) {
    const c = str(raw, 'channel');
    if (!(STAFF_CHANNELS as readonly string[]).includes(c)) err('channel', 'channel_required');
    else channel = c as ReportInput['channel'];
  } else {
    const role = str(raw, 'reporterRole');
    if (!(PUBLIC_REPORTER_ROLES as readonly string[]).includes(role))
      err('reporterRole', 'reporter_role_required');
    else reporterRole = role as ReporterRole;
  }

  const narrative = clean(typeof raw.narrative === 'string' ? raw.narrative : '').trim();
  if (!narrative) err('narrative', 'narrative_required');
  else if (narrative.length > NARRATIVE_MAX) err('narrative', 'narrative_too_long');

  const whenKind = str(raw, 'whenKind') as WhenKind;
  let incidentDate: string | null = null;
  let incidentApprox: string | null = null;
  if (!(WHEN_KINDS as readonly string[]).includes(whenKind)) err('whenKind', 'when_required');
  else if (whenKind === 'date') {
    const d = str(raw, 'incidentDate');
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    if (!m || !isRealDate(+m[1], +m[2], +m[3]) || +m[1] < 1950) err('incidentDate', 'date_invalid');
    else if (d > ctx.today) err('incidentDate', 'date_future');
    else incidentDate = d;
  } else if (whenKind === 'month') {
    const month = Number(str(raw, 'incidentMonthMonth'));
    const year = Number(str(raw, 'incidentMonthYear'));
    if (
      !Number.isInteger(month) ||
      month < 1 ||
      month > 12 ||
      !Number.isInteger(year) ||
      year < 1950 ||
      year > 9999
    )
      err('incidentMonth', 'month_invalid');
    else {
      const first = `${year}-${String(month).padStart(2, '0')}-01`;
      if (first > ctx.today) err('incidentMonth', 'date_future');
      else incidentDate = first;
    }
  } else if (whenKind === 'approximate') {
    const a = clean(str(raw, 'incidentApprox'));
    if (!a) err('incidentApprox', 'approx_required');
    else if (a.length > 200) err('incidentApprox', 'text_too_long');
    else incidentApprox = a;
  }

  const district = str(raw, 'district');
  if (![...ctx.districtCodes, ...SPECIAL_PLACES].includes(district)) err('district', 'district_invalid');
  const place = clean(str(raw, 'place'));
  if (place.length > 500) err('place', 'text_too_long');

  const grounds = list(raw, 'grounds');
  if (grounds.length === 0 || !grounds.every((g) => (GROUNDS as readonly string[]).includes(g)))
    err('grounds', 'grounds_required');
  const groundOther = clean(str(raw, 'groundOther'));
  if (grounds.includes('other') && !groundOther) err('groundOther', 'ground_other_required');
  if (groundOther.length > 300) err('groundOther', 'text_too_long');

  const lifeArea = str(raw, 'lifeArea') as LifeArea;
  if (!(LIFE_AREAS as readonly string[]).includes(lifeArea)) err('lifeArea', 'life_area_required');

  const wishes = list(raw, 'wishes').filter((w) => (SUPPORT_WISHES as readonly string[]).includes(w));

  const contactChannel = (str(raw, 'contactChannel') || (ctx.staffEntry ? 'none' : '')) as ContactChannel;
  let contact: ReportInput['contact'] = null;
  const consentContact = bool(raw, 'consentContact');
  if (!(CONTACT_CHANNELS as readonly string[]).includes(contactChannel))
    err('contactChannel', 'contact_channel_required');
  else if (contactChannel !== 'none') {
    const name = clean(str(raw, 'contactName')).slice(0, 200);
    const email = str(raw, 'contactEmail');
    const phone = str(raw, 'contactPhone');
    const address = clean(str(raw, 'contactAddress'));
    const times = clean(str(raw, 'contactTimes')).slice(0, 200);
    if (contactChannel === 'email' && (!EMAIL.test(email) || email.length > 320))
      err('contactEmail', 'email_invalid');
    if (contactChannel === 'phone' && !PHONE.test(phone)) err('contactPhone', 'phone_invalid');
    if (contactChannel === 'post' && (!address || address.length > 500))
      err('contactAddress', 'address_required');
    if (!consentContact) err('consentContact', 'contact_needs_consent');
    contact = {
      ...(name ? { name } : {}),
      ...(contactChannel === 'email' ? { email: email.toLowerCase() } : {}),
      ...(contactChannel === 'phone' ? { phone, ...(times ? { times } : {}) } : {}),
      ...(contactChannel === 'post' ? { address } : {}),
    };
  } else if (consentContact) {
    err('consentContact', 'consent_contact_requires_contact');
  }
  const lang = str(raw, 'preferredLanguage');
  const preferredLanguage = ctx.languages.includes(lang) ? lang : 'de';

  const consents = {
    store: bool(raw, 'consentStore'),
    contact: consentContact && contactChannel !== 'none',
    share: bool(raw, 'consentShare'),
    statisticsOptOut: bool(raw, 'statisticsOptOut'),
  };
  if (!consents.store) err('consentStore', 'consent_store_required');

  if (fields.length) return { fields };
  return {
    fields,
    input: {
      reporterRole,
      channel,
      narrative,
      whenKind,
      incidentDate,
      incidentApprox,
      district,
      place: place || null,
      grounds,
      groundOther: grounds.includes('other') ? groundOther : null,
      lifeArea,
      wishes,
      contactChannel,
      contact,
      preferredLanguage,
      consents,
    },
  };
}

/** The receipt code: 16 digits (≥ 53 bits) from a CSPRNG, shown grouped 4-4-4-4. */
export function formatReceipt(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1-');
}

/** What a person may type: spaces, hyphens and dots are ignored. Null when it is not 16 digits. */
export function normaliseReceipt(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const digits = input.replace(/[\s\-.\u2010-\u2015]/g, '');
  // Arabic-Indic and Persian digits count as digits too
  const ascii = digits.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String((d.charCodeAt(0) & 0xf) % 10));
  return /^\d{16}$/.test(ascii) ? ascii : null;
}
