/**
 * Policy settings a city changes without a deployment. This is the one place modules register their
 * settings: key, default, and how a value is checked. Stored values live in the `setting` table;
 * a missing row means the default. Every change is audited.
 */
export type SettingType =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'int_list'; min: number; max: number; maxItems: number }
  | { kind: 'string'; maxLength: number; pattern?: RegExp; optional?: boolean }
  | { kind: 'text'; maxLength: number; optional?: boolean }
  | { kind: 'districts' };

export interface District {
  code: string;
  /** label per language; German is required */
  labels: Record<string, string>;
  /** well-known neighbourhoods shown as hints */
  hints: string[];
}

export interface SettingDefinition {
  key: string;
  group: 'retention' | 'deadlines' | 'intake' | 'statistics' | 'reminders' | 'referrals' | 'installation';
  type: SettingType;
  default: unknown;
}

/** Halle (Saale): 5 Stadtbezirke (DOMAIN.md); statistics are published at this level only. */
export const HALLE_DISTRICTS: District[] = [
  {
    code: 'mitte',
    labels: { de: 'Mitte', en: 'Centre' },
    hints: ['Altstadt', 'Südliche Innenstadt', 'Nördliche Innenstadt'],
  },
  {
    code: 'nord',
    labels: { de: 'Nord', en: 'North' },
    hints: [
      'Paulusviertel',
      'Giebichenstein',
      'Trotha',
      'Frohe Zukunft',
      'Landrain',
      'Seeben',
      'Tornau',
      'Mötzlich',
    ],
  },
  {
    code: 'ost',
    labels: { de: 'Ost', en: 'East' },
    hints: ['Freiimfelde/Kanenaer Weg', 'Diemitz', 'Dautzsch', 'Reideburg', 'Büschdorf', 'Kanena/Bruckdorf'],
  },
  {
    code: 'sued',
    labels: { de: 'Süd', en: 'South' },
    hints: [
      'Südstadt',
      'Silberhöhe',
      'Gesundbrunnen',
      'Lutherplatz',
      'Damaschkestraße',
      'Ammendorf/Beesen',
      'Böllberg/Wörmlitz',
      'Radewell/Osendorf',
      'Planena',
    ],
  },
  {
    code: 'west',
    labels: { de: 'West', en: 'West' },
    hints: ['Neustadt', 'Heide-Nord/Blumenau', 'Heide-Süd', 'Nietleben', 'Dölau', 'Lettin', 'Kröllwitz'],
  },
];

export const SETTINGS: readonly SettingDefinition[] = [
  // retention (months): reports never turned into a case, closed cases, reporter mailbox after closure
  {
    key: 'retention.unprocessed_report_months',
    group: 'retention',
    type: { kind: 'int', min: 1, max: 120 },
    default: 12,
  },
  {
    key: 'retention.closed_case_months',
    group: 'retention',
    type: { kind: 'int', min: 1, max: 240 },
    default: 36,
  },
  {
    key: 'retention.closed_case_years',
    group: 'retention',
    type: { kind: 'int', min: 1, max: 30 },
    default: 3,
  },
  {
    key: 'retention.unconfirmed_report_days',
    group: 'retention',
    type: { kind: 'int', min: 7, max: 730 },
    default: 90,
  },
  { key: 'retention.spam_days', group: 'retention', type: { kind: 'int', min: 1, max: 365 }, default: 30 },
  // legal deadlines (AGG §15(4), §21(5)): months per life area
  {
    key: 'deadlines.employment_months',
    group: 'deadlines',
    type: { kind: 'int', min: 1, max: 24 },
    default: 2,
  },
  {
    key: 'deadlines.goods_services_months',
    group: 'deadlines',
    type: { kind: 'int', min: 1, max: 24 },
    default: 2,
  },
  { key: 'deadlines.housing_months', group: 'deadlines', type: { kind: 'int', min: 1, max: 24 }, default: 2 },
  {
    key: 'deadlines.holiday_region',
    group: 'deadlines',
    type: { kind: 'string', maxLength: 5, pattern: /^DE-[A-Z]{2}$/ },
    default: 'DE-ST',
  },
  // intake
  { key: 'intake.districts', group: 'intake', type: { kind: 'districts' }, default: HALLE_DISTRICTS },
  {
    key: 'intake.receiving_organisation_code',
    group: 'intake',
    type: { kind: 'string', maxLength: 6, pattern: /^[A-Z]{2,6}$/, optional: true },
    default: '',
  },
  // statistics disclosure control
  {
    key: 'statistics.suppression_threshold',
    group: 'statistics',
    type: { kind: 'int', min: 3, max: 50 },
    default: 5,
  },
  {
    key: 'statistics.district_ground_threshold',
    group: 'statistics',
    type: { kind: 'int', min: 3, max: 100 },
    default: 10,
  },
  // periodic PDF reports made automatically after each quarter and year: their languages ("" = off)
  {
    key: 'statistics.automatic_report_languages',
    group: 'statistics',
    type: { kind: 'string', maxLength: 20, pattern: /^(de|en)(\s*,\s*(de|en))?$/, optional: true },
    default: 'de',
  },
  // reminders: days before a legal deadline; days a referral may stay unanswered
  {
    key: 'reminders.deadline_days',
    group: 'reminders',
    type: { kind: 'int_list', min: 1, max: 60, maxItems: 5 },
    default: [14, 3],
  },
  {
    key: 'referrals.unanswered_reminder_days',
    group: 'referrals',
    type: { kind: 'int', min: 1, max: 60 },
    default: 7,
  },
  // who runs this installation: shown on the privacy notice, imprint and accessibility statement
  {
    key: 'installation.operator',
    group: 'installation',
    type: { kind: 'text', maxLength: 1000 },
    default:
      'Stadt Halle (Saale)\nServicezentrum Integration und Demokratie\nMarktplatz 1\n06108 Halle (Saale)',
  },
  {
    key: 'installation.contact_email',
    group: 'installation',
    type: { kind: 'string', maxLength: 320, optional: true },
    default: '',
  },
  {
    key: 'installation.contact_phone',
    group: 'installation',
    type: { kind: 'string', maxLength: 40, optional: true },
    default: '',
  },
  {
    key: 'installation.responsible',
    group: 'installation',
    type: { kind: 'text', maxLength: 500, optional: true },
    default: '',
  },
  {
    key: 'installation.dpo',
    group: 'installation',
    type: { kind: 'text', maxLength: 1000, optional: true },
    default: '',
  },
  {
    key: 'installation.supervisory_authority',
    group: 'installation',
    type: { kind: 'text', maxLength: 1000 },
    default: 'Der Landesbeauftragte für den Datenschutz Sachsen-Anhalt\nLeiterstraße 9\n39104 Magdeburg',
  },
  {
    key: 'installation.accessibility_enforcement',
    group: 'installation',
    type: { kind: 'text', maxLength: 1000 },
    default: 'Die oder der Landesbeauftragte für Menschen mit Behinderungen des Landes Sachsen-Anhalt',
  },
  {
    key: 'installation.accessibility_statement_date',
    group: 'installation',
    type: { kind: 'string', maxLength: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ },
    default: '2026-11-27',
  },
];

export function findSetting(key: string): SettingDefinition | undefined {
  return SETTINGS.find((s) => s.key === key);
}

/** Checks a value against its definition; returns an i18n message key when invalid, else the normalised value. */
export function checkSettingValue(
  def: SettingDefinition,
  raw: unknown,
): { value: unknown } | { error: string } {
  const t = def.type;
  switch (t.kind) {
    case 'int': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < t.min || n > t.max)
        return { error: 'settings.errors.int_range' };
      return { value: n };
    }
    case 'int_list': {
      const list = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? raw
              .split(/[\s,;]+/)
              .filter(Boolean)
              .map(Number)
          : null;
      if (!list || list.length === 0 || list.length > t.maxItems)
        return { error: 'settings.errors.int_list' };
      if (!list.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= t.min && n <= t.max))
        return { error: 'settings.errors.int_list' };
      return { value: [...new Set(list as number[])].sort((a, b) => b - a) };
    }
    case 'string': {
      if (typeof raw !== 'string') return { error: 'settings.errors.string' };
      const v = raw.trim();
      if (v === '' && t.optional) return { value: '' };
      if (v.length > t.maxLength || (t.pattern && !t.pattern.test(v)))
        return { error: 'settings.errors.string' };
      return { value: v };
    }
    case 'text': {
      if (typeof raw !== 'string') return { error: 'settings.errors.string' };
      const v = raw.replace(/\r\n?/g, '\n').trim();
      if (v === '' && !t.optional) return { error: 'settings.errors.string' };
      if (v.length > t.maxLength) return { error: 'settings.errors.string' };
      return { value: v };
    }
    case 'districts': {
      let list: unknown = raw;
      if (typeof raw === 'string') {
        try {
          list = JSON.parse(raw);
        } catch {
          return { error: 'settings.errors.districts' };
        }
      }
      if (!Array.isArray(list) || list.length === 0 || list.length > 100)
        return { error: 'settings.errors.districts' };
      const codes = new Set<string>();
      for (const d of list as Partial<District>[]) {
        if (!d || typeof d.code !== 'string' || !/^[a-z][a-z0-9_]{0,30}$/.test(d.code) || codes.has(d.code))
          return { error: 'settings.errors.districts' };
        if (['online', 'outside_city'].includes(d.code)) return { error: 'settings.errors.districts' };
        if (!d.labels || typeof d.labels.de !== 'string' || !d.labels.de.trim())
          return { error: 'settings.errors.districts' };
        if (
          d.hints !== undefined &&
          (!Array.isArray(d.hints) || !d.hints.every((h) => typeof h === 'string'))
        )
          return { error: 'settings.errors.districts' };
        codes.add(d.code);
      }
      return {
        value: (list as District[]).map((d) => ({ code: d.code, labels: d.labels, hints: d.hints ?? [] })),
      };
    }
  }
}
