import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES_DIR, PROJECT_ROOT, TEMPLATES_DIR } from '../paths.js';
import { LANGUAGES } from './i18n.service.js';

/**
 * Every public page must be complete in all seven languages: a test fails when a public template
 * (or a public controller's page title) uses a key that a language lacks, when a translation is
 * still the German text, or when a placeholder got lost. Staff pages are German and English only.
 */
type Tree = { [k: string]: string | Tree };
function flatten(obj: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}
const locale = (lang: string) =>
  flatten(JSON.parse(readFileSync(join(LOCALES_DIR, `${lang}.json`), 'utf8')) as Tree);

const PUBLIC_TEMPLATES = [
  'layouts/public.hbs',
  ...readdirSync(join(TEMPLATES_DIR, 'partials')).map((f) => `partials/${f}`),
  'pages/home.hbs',
  'pages/error.hbs',
  ...readdirSync(join(TEMPLATES_DIR, 'pages/public')).map((f) => `pages/public/${f}`),
];
/** Messages the public controllers produce (errors shown on public pages and in the public API). */
const PUBLIC_SUBTREES = [
  'errors.',
  'validation.',
  'intake.errors.',
  'intake.attachments.errors.',
  'mailbox.errors.',
  'mailbox.notices.',
  'intake.places.',
];
const PUBLIC_CONTROLLERS = ['public-pages', 'report-pages', 'mailbox-pages'].map(
  (n) => `src/modules/intake/${n}.controller.ts`,
);
/** Names and codes that are the same in every language. */
const SAME_EVERYWHERE = new Set(['app.service_name', 'legal.privacy.cookies_title']);

function publicKeys(de: Record<string, string>): string[] {
  const keys = new Set<string>();
  const prefixes = new Set<string>(PUBLIC_SUBTREES);
  for (const file of PUBLIC_TEMPLATES) {
    const text = readFileSync(join(TEMPLATES_DIR, file), 'utf8');
    for (const m of text.matchAll(/\{\{\s*t\s+"([\w.]+)"/g)) keys.add(m[1]);
    for (const m of text.matchAll(/\(\s*t\s+"([\w.]+)"/g)) keys.add(m[1]);
    for (const m of text.matchAll(/\(concat\s+"([\w.]+\.)"/g)) prefixes.add(m[1]);
  }
  // staff-only parts of shared templates (the staff report form) are not public
  prefixes.delete('vocab.channels.');
  for (const file of PUBLIC_CONTROLLERS) {
    const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    for (const m of text.matchAll(/(?:@Page|new RenderPage)\(\s*'[^']+',\s*'([\w.]+)'/g)) keys.add(m[1]);
  }
  for (const key of Object.keys(de)) if ([...prefixes].some((p) => key.startsWith(p))) keys.add(key);
  return [...keys].filter((k) => !k.startsWith('intake.staff')).sort();
}

describe('public pages in every language', () => {
  const de = locale('de');
  const keys = publicKeys(de);

  it('finds the public keys', () => {
    expect(keys.length).toBeGreaterThan(250);
    expect(keys).toEqual(
      expect.arrayContaining([
        'intake.form.submit',
        'mailbox.login.submit',
        'intake.form.why.grounds.unknown',
      ]),
    );
    for (const k of keys) expect(de[k]).toBeDefined();
  });

  it.each(LANGUAGES.filter((l) => l !== 'de'))(
    '%s has every public key, translated, with its placeholders',
    (lang) => {
      const tr = locale(lang);
      const missing = keys.filter((k) => tr[k] === undefined);
      expect(missing).toEqual([]);
      const untranslated = keys.filter(
        (k) => tr[k] === de[k] && !SAME_EVERYWHERE.has(k) && /[a-zäöüß]{3}/i.test(de[k]),
      );
      expect(untranslated).toEqual([]);
      const lostPlaceholders = keys.filter((k) =>
        [...de[k].matchAll(/\{(\w+)\}/g)].some((m) => !tr[k].includes(m[0])),
      );
      expect(lostPlaceholders).toEqual([]);
    },
  );

  it('has easy German (Leichte Sprache) for the landing page and the form help texts', () => {
    const ls = locale('ls');
    const needed = [
      ...Object.keys(de).filter((k) => k.startsWith('home.') && k !== 'home.title'),
      'intake.form.intro',
      'intake.form.what.hint',
      'intake.form.why.hint',
      'intake.form.contact.hint',
      'intake.form.files.hint',
      'intake.form.consent.statistics_text',
    ];
    expect(needed.filter((k) => ls[k] === undefined)).toEqual([]);
    expect(needed.filter((k) => ls[k] === de[k])).toEqual([]);
  });
});
