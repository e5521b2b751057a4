import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import type { StaffRole } from '../../modules/auth/entities/staff-user.entity.js';
import { I18nService, LANGUAGE_NAMES } from '../i18n/i18n.service.js';
import type { Layout } from '../decorators/page.decorator.js';

interface NavItem {
  href: string;
  label: string;
}

/** Staff navigation by role; later modules add their entries here. */
const NAV: { href: string; label: string; roles: StaffRole[] }[] = [
  { href: '/staff', label: 'nav.dashboard', roles: ['admin', 'counsellor', 'officer', 'partner'] },
  { href: '/staff/inbox', label: 'nav.inbox', roles: ['counsellor', 'admin'] },
  { href: '/staff/cases', label: 'nav.cases', roles: ['counsellor', 'admin'] },
  { href: '/staff/reports', label: 'nav.reports', roles: ['counsellor'] },
  { href: '/staff/referrals', label: 'nav.referrals', roles: ['counsellor'] },
  { href: '/partner/referrals', label: 'nav.referrals', roles: ['partner'] },
  { href: '/statistics', label: 'nav.statistics', roles: ['officer', 'admin'] },
  { href: '/reports', label: 'nav.reports_pdf', roles: ['officer', 'admin'] },
  { href: '/admin/organisations', label: 'nav.organisations', roles: ['admin'] },
  { href: '/admin/partners', label: 'referrals.admin.nav', roles: ['admin'] },
  { href: '/admin/users', label: 'nav.users', roles: ['admin'] },
  { href: '/admin/settings', label: 'nav.settings', roles: ['admin'] },
  { href: '/account', label: 'nav.account', roles: ['admin', 'counsellor', 'officer', 'partner'] },
];

export const I18N = Symbol('I18N');

/** Builds the context every page shares (language, direction, CSRF token, navigation) and renders. */
@Injectable()
export class ViewRenderer {
  constructor(
    @Inject(I18N) private readonly i18n: I18nService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  t(lang: string, key: string, params?: Record<string, string | number>): string {
    return this.i18n.t(lang, key, params);
  }

  context(req: FastifyRequest, layout: Layout, title: string, data: object): Record<string, unknown> {
    const lang = req.lang;
    const path = req.url.split('?')[0];
    const staff = layout === 'staff' && req.staff?.mfaPassed ? req.staff : undefined;
    const nav: (NavItem & { active: boolean })[] = staff
      ? NAV.filter((n) => n.roles.includes(staff.role)).map((n) => ({
          href: n.href,
          label: this.i18n.t(lang, n.label),
          active: path === n.href || path.startsWith(`${n.href}/`),
        }))
      : [];
    const languages = this.i18n.available().map((code) => ({
      code,
      name: LANGUAGE_NAMES[code],
      href: `${path}?lang=${code}`,
      current: code === lang,
      dir: this.i18n.dir(code),
    }));
    return {
      ...data,
      lang,
      htmlLang: this.i18n.htmlLang(lang),
      easyLanguage: lang === 'ls',
      dir: this.i18n.dir(lang),
      title: this.i18n.t(lang, title),
      csrfToken: req.staff?.csrfToken ?? req.anonCsrfToken ?? '',
      staff: req.staff
        ? { displayName: req.staff.displayName, role: req.staff.role, loggedIn: !!staff }
        : null,
      nav,
      languages,
      serviceName: this.i18n.t(lang, 'app.service_name'),
      publicUrl: this.config.http.publicUrl,
    };
  }

  async render(
    req: FastifyRequest,
    reply: FastifyReply,
    template: string,
    layout: Layout,
    title: string,
    data: object,
  ): Promise<string> {
    const ctx = this.context(req, layout, title, data);
    const html = await reply.viewAsync(`pages/${template}.hbs`, ctx, { layout: `layouts/${layout}.hbs` });
    void reply.type('text/html; charset=utf-8');
    return html;
  }
}
