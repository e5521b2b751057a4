import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../../common/paths.js';

export const REPORTS_DIR = join(TEMPLATES_DIR, 'reports');
export const FONT_REGULAR = join(REPORTS_DIR, 'fonts', 'DejaVuSans.ttf');
export const FONT_BOLD = join(REPORTS_DIR, 'fonts', 'DejaVuSans-Bold.ttf');

/** Text per language; `de` is the fallback. */
export type Localised = Record<string, string>;

export type LayoutSection =
  | { type: 'cover' }
  | { type: 'toc' | 'summary' | 'referrals' | 'methodology'; title: Localised }
  | { type: 'table'; table: string; chart: boolean; title: Localised };

export interface ReportLayout {
  city: Localised;
  issuer: Localised;
  sections: LayoutSection[];
}

const TYPES = new Set(['cover', 'toc', 'summary', 'table', 'referrals', 'methodology']);

/** Reads and checks templates/reports/periodic-report.json (a city edits it, not the code). */
export function loadLayout(path = join(REPORTS_DIR, 'periodic-report.json')): ReportLayout {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<ReportLayout>;
  if (!raw.city || !raw.issuer || !Array.isArray(raw.sections))
    throw new Error(`${path}: needs city, issuer and sections`);
  for (const s of raw.sections) {
    if (!s || !TYPES.has(s.type)) throw new Error(`${path}: unknown section type ${JSON.stringify(s?.type)}`);
    if (s.type !== 'cover' && (!s.title || typeof s.title.de !== 'string'))
      throw new Error(`${path}: section ${s.type} needs a German title`);
    if (s.type === 'table' && typeof s.table !== 'string')
      throw new Error(`${path}: table section needs a table id`);
  }
  return raw as ReportLayout;
}

export const pick = (l: Localised, lang: string): string => l[lang] ?? l.de;
