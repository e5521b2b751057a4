import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES_DIR } from '../paths.js';

/** Interface languages. Arabic and Farsi are right-to-left. German is the reference language. */
export const LANGUAGES = ['de', 'en', 'ar', 'uk', 'tr', 'ru', 'fa'] as const;
/** Easy German (Leichte Sprache): a variant of German for the landing page and the form's help texts;
 * every other string falls back to German. Its pages say lang="de". */
export const EASY_GERMAN = 'ls' as const;
export type Lang = (typeof LANGUAGES)[number] | typeof EASY_GERMAN;
export const DEFAULT_LANG: Lang = 'de';
export const RTL_LANGS: ReadonlySet<string> = new Set(['ar', 'fa']);
/** Each language's own name, for the language switcher. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  de: 'Deutsch',
  en: 'English',
  ar: 'العربية',
  uk: 'Українська',
  tr: 'Türkçe',
  ru: 'Русский',
  fa: 'فارسی',
  ls: 'Leichte Sprache',
};

type Messages = Record<string, string>;

function flatten(obj: unknown, prefix = '', out: Messages = {}): Messages {
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (typeof obj === 'string') {
    out[prefix] = obj;
  }
  return out;
}

/**
 * One small i18n layer for pages, e-mails and API errors: flat keys from templates/locales/<lang>.json,
 * `{name}` placeholders. A missing key falls back to German, then to the key itself (and tests fail
 * on it). Kept dependency-free: nestjs-i18n 10.8 / i18next 27 need Node 22.
 */
export class I18nService {
  private readonly messages = new Map<string, Messages>();

  constructor(dir: string = LOCALES_DIR) {
    if (!existsSync(dir)) return;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      const lang = file.slice(0, -5);
      this.messages.set(lang, flatten(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
    }
  }

  /** Languages that have a locale file and are offered in the switcher. */
  available(): Lang[] {
    return LANGUAGES.filter((l) => this.messages.has(l));
  }

  isSupported(lang: string | undefined): lang is Lang {
    return (
      !!lang &&
      ((LANGUAGES as readonly string[]).includes(lang) || lang === EASY_GERMAN) &&
      this.messages.has(lang)
    );
  }

  /** The value for <html lang> and hreflang. */
  htmlLang(lang: string): string {
    return lang === EASY_GERMAN ? 'de' : lang;
  }

  /** The language for dates and number formats. */
  locale(lang: string): string {
    return lang === EASY_GERMAN ? 'de' : lang;
  }

  has(lang: string, key: string): boolean {
    return this.messages.get(lang)?.[key] !== undefined;
  }

  keys(lang: string): string[] {
    return Object.keys(this.messages.get(lang) ?? {});
  }

  t(lang: string, key: string, params: Record<string, string | number> = {}): string {
    const template = this.messages.get(lang)?.[key] ?? this.messages.get(DEFAULT_LANG)?.[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  }

  dir(lang: string): 'rtl' | 'ltr' {
    return RTL_LANGS.has(lang) ? 'rtl' : 'ltr';
  }

  /** ?lang= wins, then the language cookie, then Accept-Language, then German. */
  negotiate(query: string | undefined, cookie: string | undefined, acceptLanguage: string | undefined): Lang {
    if (this.isSupported(query)) return query;
    if (this.isSupported(cookie)) return cookie;
    if (acceptLanguage) {
      // Accept-Language never selects easy German: it is chosen on purpose
      const ranked = acceptLanguage
        .split(',')
        .map((part) => {
          const [tag, ...rest] = part.trim().split(';');
          const q = rest.find((r) => r.trim().startsWith('q='));
          return { tag: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.trim().slice(2)) || 0 : 1 };
        })
        .sort((a, b) => b.q - a.q);
      for (const { tag } of ranked) if (this.isSupported(tag)) return tag;
    }
    return DEFAULT_LANG;
  }
}
