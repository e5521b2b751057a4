import {
  CONTACT_CHANNELS,
  GROUNDS,
  LIFE_AREAS,
  PUBLIC_REPORTER_ROLES,
  SPECIAL_PLACES,
  STAFF_CHANNELS,
  SUPPORT_WISHES,
} from '../../common/domain/vocabulary.js';
import { LANGUAGE_NAMES, LANGUAGES } from '../../common/i18n/i18n.service.js';
import type { ViewRenderer } from '../../common/views/view-renderer.js';
import type { District } from '../settings/settings.registry.js';
import { dateTimeFormat } from '../../common/i18n/intl-cache.js';

export function berlinToday(now = new Date()): string {
  return dateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Everything the report form template needs besides the values and errors. */
export function reportFormModel(
  renderer: ViewRenderer,
  lang: string,
  opts: {
    districts: District[];
    deadlineMonths: number;
    maxFiles: number;
    maxFileBytes: number;
    staffEntry: boolean;
  },
) {
  const monthName = dateTimeFormat(lang === 'ls' ? 'de' : lang, { month: 'long', timeZone: 'UTC' });
  return {
    staffEntry: opts.staffEntry,
    formAction: opts.staffEntry ? '/staff/reports/new' : '/report',
    reporterRoles: PUBLIC_REPORTER_ROLES,
    channels: STAFF_CHANNELS,
    districts: [
      ...opts.districts.map((d) => ({
        code: d.code,
        label: d.labels[lang] ?? d.labels.de,
        hints: d.hints.join(', '),
      })),
      ...SPECIAL_PLACES.map((code) => ({
        code,
        label: renderer.t(lang, `intake.places.${code}`),
        hints: '',
      })),
    ],
    grounds: GROUNDS,
    lifeAreas: LIFE_AREAS,
    wishes: SUPPORT_WISHES,
    contactChannels: CONTACT_CHANNELS,
    contactLanguages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
    months: Array.from({ length: 12 }, (_, i) => ({
      value: String(i + 1),
      label: monthName.format(new Date(Date.UTC(2000, i, 1))),
    })),
    maxFiles: opts.maxFiles,
    maxFileMb: Math.round(opts.maxFileBytes / 1024 / 1024),
    deadlineMonths: opts.deadlineMonths,
    today: berlinToday(),
  };
}
