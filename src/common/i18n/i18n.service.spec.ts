import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { I18nService } from './i18n.service.js';
import { LOCALES_DIR } from '../paths.js';

describe('I18nService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'i18n-'));
  writeFileSync(join(dir, 'de.json'), JSON.stringify({ a: { hello: 'Hallo {name}' }, only: 'nur deutsch' }));
  writeFileSync(join(dir, 'en.json'), JSON.stringify({ a: { hello: 'Hello {name}' } }));
  writeFileSync(join(dir, 'ar.json'), JSON.stringify({ a: { hello: 'مرحبا {name}' } }));
  const i18n = new I18nService(dir);

  it('translates nested keys with placeholders and falls back to German', () => {
    expect(i18n.t('en', 'a.hello', { name: 'Amal' })).toBe('Hello Amal');
    expect(i18n.t('en', 'only')).toBe('nur deutsch');
    expect(i18n.t('en', 'missing.key')).toBe('missing.key');
  });

  it('negotiates ?lang, then cookie, then Accept-Language, then German', () => {
    expect(i18n.negotiate('en', 'ar', 'de')).toBe('en');
    expect(i18n.negotiate('xx', 'ar', 'en')).toBe('ar');
    expect(i18n.negotiate(undefined, undefined, 'fr-FR,en;q=0.8,de;q=0.5')).toBe('en');
    expect(i18n.negotiate(undefined, undefined, 'fr')).toBe('de');
    expect(i18n.negotiate('ru', undefined, undefined)).toBe('de'); // no locale file for ru here
  });

  it('knows the writing direction', () => {
    expect(i18n.dir('ar')).toBe('rtl');
    expect(i18n.dir('fa')).toBe('rtl');
    expect(i18n.dir('de')).toBe('ltr');
  });

  it('the shipped German and English locales have exactly the same keys', () => {
    const real = new I18nService(LOCALES_DIR);
    const de = real.keys('de').sort();
    const en = real.keys('en').sort();
    expect(de.length).toBeGreaterThan(20);
    expect(en.filter((k) => !de.includes(k))).toEqual([]);
    expect(de.filter((k) => !en.includes(k))).toEqual([]);
  });
});
