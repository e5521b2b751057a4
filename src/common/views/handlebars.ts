import Handlebars from 'handlebars';
import type { I18nService } from '../i18n/i18n.service.js';
import { dateTimeFormat } from '../i18n/intl-cache.js';

/**
 * One Handlebars instance with the helpers every template may use. `{{t "key"}}` translates into the
 * page's language (the root context's `lang`); all output is HTML-escaped unless a template uses
 * triple braces, which only trusted, locally rendered markup (the QR code SVG) may use.
 */
export function createHandlebars(i18n: I18nService): typeof Handlebars {
  const hbs = Handlebars.create();
  hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const root = options.data?.root as { lang?: string } | undefined;
    return i18n.t(root?.lang ?? 'de', key, (options.hash ?? {}) as Record<string, string | number>);
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper(
    'includes',
    (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value),
  );
  hbs.registerHelper('array', (...args: unknown[]) => args.slice(0, -1));
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  hbs.registerHelper('formatDate', (value: unknown, options: Handlebars.HelperOptions) => {
    if (!value) return '';
    const root = options.data?.root as { lang?: string } | undefined;
    const date = value instanceof Date ? value : new Date(String(value));
    return dateTimeFormat(root?.lang ?? 'de', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'Europe/Berlin',
    }).format(date);
  });
  return hbs;
}
