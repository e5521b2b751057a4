import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Public, Roles } from '../../common/decorators/public.decorator.js';
import { OUTCOMES } from '../../common/domain/vocabulary.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { formErrors } from '../../common/forms.js';
import { Redirect } from '../../common/views/page.interceptor.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import { SettingsService } from '../settings/settings.service.js';
import { PartnersService, type PartnerEntry, type PartnerProfileInput } from './partners.service.js';
import {
  ACCESSIBILITY_FEATURES,
  CAPACITIES,
  PARTNER_LANGUAGES,
  SERVICE_TYPES,
  SHARED_FIELDS,
  IDENTIFYING_FIELDS,
} from './referrals.constants.js';
import { ReferralsService } from './referrals.service.js';
import { languageNames } from '../../common/i18n/intl-cache.js';

const list = (v: unknown): string[] =>
  v === undefined || v === '' ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const pick = (v: unknown, allowed: readonly string[]): string | undefined =>
  typeof v === 'string' && allowed.includes(v) ? v : undefined;

/** Language names in the page's language, from the runtime's CLDR data (no translation keys needed). */
function languageName(code: string, lang: string): string {
  try {
    return languageNames(lang === 'ls' ? 'de' : lang).of(code) ?? code;
  } catch {
    return code;
  }
}

function handleable(e: unknown): e is DomainError {
  return e instanceof DomainError && e.code !== 'not_found' && e.code !== 'forbidden';
}

/**
 * The public "find help" page, the partner directory for admins, the counsellors' referral pages
 * and the partners' referral pages. Server-rendered, no JavaScript.
 */
@ApiExcludeController()
@Controller()
export class ReferralsPagesController {
  constructor(
    private readonly referrals: ReferralsService,
    private readonly partners: PartnersService,
    private readonly settings: SettingsService,
    private readonly renderer: ViewRenderer,
  ) {}

  private async districtOptions(lang: string) {
    return (await this.settings.districts()).map((d) => ({
      code: d.code,
      label: d.labels[lang] ?? d.labels.de,
    }));
  }

  private async present(e: PartnerEntry, lang: string) {
    const districts = new Map((await this.districtOptions(lang)).map((d) => [d.code, d.label]));
    return {
      ...e,
      languageNames: e.languages.map((l) => languageName(l, lang)),
      districtNames: e.districts.map((d) =>
        d === 'citywide' ? this.renderer.t(lang, 'referrals.help.citywide') : (districts.get(d) ?? d),
      ),
    };
  }

  // ---------------------------------------------------------------- public: find help

  @Public()
  @Get('help')
  @Page('public/help', 'referrals.help.title', 'public')
  async help(@Req() req: FastifyRequest, @Query() q: Record<string, unknown>) {
    const districts = await this.districtOptions(req.lang);
    const all = await this.partners.list({ onlyPublished: true });
    const languages = [...new Set(all.flatMap((e) => e.languages))]
      .map((code) => ({ code, label: languageName(code, req.lang) }))
      .sort((a, b) => a.label.localeCompare(b.label));
    const filter = {
      service: pick(q.service, SERVICE_TYPES),
      language: pick(
        q.language,
        languages.map((l) => l.code),
      ),
      district: pick(
        q.district,
        districts.map((d) => d.code),
      ),
    };
    const found = await this.partners.search(filter);
    // an entry serving the whole city matches every district
    const extra = filter.district
      ? (await this.partners.search({ ...filter, district: 'citywide' })).filter(
          (e) => !found.some((f) => f.organisationId === e.organisationId),
        )
      : [];
    return {
      filter,
      filtered: !!(filter.service || filter.language || filter.district),
      services: SERVICE_TYPES,
      languages,
      districts,
      entries: await Promise.all([...found, ...extra].map((e) => this.present(e, req.lang))),
    };
  }

  // ---------------------------------------------------------------- admin: partner directory

  @Roles('admin')
  @Get('admin/partners')
  @Page('referrals/admin-list', 'referrals.admin.title')
  async adminList(@Req() req: FastifyRequest) {
    const entries = await this.partners.list();
    const editable = await Promise.all(
      entries.map((e) => this.partners.canEdit(req.staff!, e.organisationId)),
    );
    return { entries: entries.filter((_, i) => editable[i]) };
  }

  private async editContext(req: FastifyRequest, organisationId: string, values?: PartnerEntry) {
    const entry = values ?? (await this.partners.get(organisationId));
    if (!(await this.partners.canEdit(req.staff!, organisationId))) throw new DomainError('not_found');
    return {
      entry,
      vocab: {
        services: SERVICE_TYPES,
        languages: PARTNER_LANGUAGES.map((code) => ({ code, label: languageName(code, req.lang) })),
        districts: [
          ...(await this.districtOptions(req.lang)),
          { code: 'citywide', label: this.renderer.t(req.lang, 'referrals.help.citywide') },
        ],
        accessibility: ACCESSIBILITY_FEATURES,
        capacities: CAPACITIES,
      },
    };
  }

  @Roles('admin')
  @Get('admin/partners/:organisationId')
  @Page('referrals/admin-edit', 'referrals.admin.edit_title')
  adminEdit(@Req() req: FastifyRequest, @Param('organisationId') organisationId: string) {
    return this.editContext(req, organisationId);
  }

  @Roles('admin')
  @Post('admin/partners/:organisationId')
  @Page('referrals/admin-edit', 'referrals.admin.edit_title')
  async adminSave(
    @Req() req: FastifyRequest,
    @Param('organisationId') organisationId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const input: PartnerProfileInput = {
      services: list(body.services),
      languages: list(body.languages),
      districts: list(body.districts),
      accessibility: list(body.accessibility),
      openingHours: text(body.openingHours),
      description: text(body.description),
      phone: text(body.phone),
      email: text(body.email),
      address: text(body.address),
      website: text(body.website),
      takesReferrals: body.takesReferrals === 'yes',
      capacity: text(body.capacity) || 'open',
      published: body.published === 'yes',
    };
    try {
      await this.partners.save(req.staff!, organisationId, input, Number(body.version) || 0);
      return new Redirect(`/admin/partners?saved=1`);
    } catch (e) {
      if (!handleable(e)) throw e;
      const current = await this.partners.get(organisationId);
      return {
        ...(await this.editContext(req, organisationId, { ...current, ...input } as PartnerEntry)),
        status: e.status,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
      };
    }
  }

  // ---------------------------------------------------------------- counsellors

  @Roles('counsellor')
  @Get('staff/referrals')
  @Page('referrals/list', 'referrals.list.title')
  async counsellorList(@Req() req: FastifyRequest, @Query('caseId') caseId?: string) {
    return {
      referrals: await this.referrals.listForOrganisation(
        req.staff!,
        typeof caseId === 'string' && caseId ? caseId : undefined,
      ),
    };
  }

  private async newContext(req: FastifyRequest, caseId: string, values: Record<string, unknown> = {}) {
    const ctx = await this.referrals.caseContext(req.staff!, caseId);
    const partners = (await this.partners.list()).filter(
      (p) =>
        p.takesReferrals && p.capacity !== 'not_accepting' && p.organisationId !== req.staff!.organisationId,
    );
    return {
      c: ctx,
      partners,
      services: SERVICE_TYPES,
      sharedFields: SHARED_FIELDS.map((code) => ({
        code,
        identifying: IDENTIFYING_FIELDS.includes(code),
        checked: list(values.sharedFields).includes(code),
      })),
      values,
      anyConsent: ctx.reports.some((r) => r.shareConsent),
    };
  }

  @Roles('counsellor')
  @Get('staff/referrals/new')
  @Page('referrals/new', 'referrals.new.title')
  newReferral(@Req() req: FastifyRequest, @Query('caseId') caseId: string) {
    return this.newContext(req, text(caseId));
  }

  @Roles('counsellor')
  @Post('staff/referrals')
  @Page('referrals/new', 'referrals.new.title')
  async createReferral(@Req() req: FastifyRequest, @Body() body: Record<string, unknown>) {
    const caseId = text(body.caseId);
    try {
      const r = await this.referrals.create(req.staff!, {
        caseId,
        reportId: text(body.reportId) || undefined,
        toOrganisationId: text(body.toOrganisationId),
        serviceType: text(body.serviceType),
        summary: text(body.summary),
        sharedFields: list(body.sharedFields),
      });
      return new Redirect(`/staff/referrals/${r.id}`);
    } catch (e) {
      if (!handleable(e)) throw e;
      return {
        ...(await this.newContext(req, caseId, body)),
        status: e.status,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
      };
    }
  }

  @Roles('counsellor')
  @Get('staff/referrals/:id')
  @Page('referrals/detail', 'referrals.detail.title')
  async counsellorDetail(@Req() req: FastifyRequest, @Param('id') id: string) {
    return { r: await this.referrals.getForCounsellor(req.staff!, id), outcomes: OUTCOMES };
  }

  @Roles('counsellor')
  @Post('staff/referrals/:id/:action')
  @Page('referrals/detail', 'referrals.detail.title')
  async counsellorAction(
    @Req() req: FastifyRequest,
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
  ) {
    const version = Number(body.version) || undefined;
    try {
      if (action === 'send') await this.referrals.send(req.staff!, id, version);
      else if (action === 'revoke') await this.referrals.revoke(req.staff!, id, version);
      else throw new DomainError('not_found');
      return new Redirect(`/staff/referrals/${id}?saved=${action}`);
    } catch (e) {
      if (!handleable(e)) throw e;
      return {
        r: await this.referrals.getForCounsellor(req.staff!, id),
        outcomes: OUTCOMES,
        status: e.status,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
      };
    }
  }

  // ---------------------------------------------------------------- partners

  @Roles('partner')
  @Get('partner/referrals')
  @Page('referrals/partner-list', 'referrals.partner.title')
  async partnerList(@Req() req: FastifyRequest) {
    return { referrals: await this.referrals.listForPartner(req.staff!) };
  }

  @Roles('partner')
  @Get('partner/referrals/:id')
  @Page('referrals/partner-detail', 'referrals.partner.detail_title')
  async partnerDetail(@Req() req: FastifyRequest, @Param('id') id: string) {
    return this.partnerContext(req, id);
  }

  private async partnerContext(req: FastifyRequest, id: string) {
    const r = await this.referrals.getForPartner(req.staff!, id);
    const shared: Record<string, unknown> = ('shared' in r ? r.shared : undefined) ?? {};
    const districts = new Map((await this.districtOptions(req.lang)).map((d) => [d.code, d.label]));
    return {
      r,
      revoked: r.status === 'revoked',
      fields: Object.entries(shared).map(([code, value]) => ({
        code,
        value:
          code === 'preferred_language' && typeof value === 'string'
            ? languageName(value, req.lang)
            : code === 'district' && typeof value === 'string'
              ? (districts.get(value) ?? value)
              : code === 'grounds' && Array.isArray(value)
                ? value.map((g) => this.renderer.t(req.lang, `vocab.grounds.${String(g)}`)).join(', ')
                : code === 'life_area' && typeof value === 'string'
                  ? this.renderer.t(req.lang, `intake.form.area.${value}`)
                  : typeof value === 'object' && value !== null
                    ? Object.values(value as Record<string, unknown>)
                        .filter(Boolean)
                        .join(' · ')
                    : String(value ?? '–'),
      })),
      outcomes: OUTCOMES,
    };
  }

  @Roles('partner')
  @Post('partner/referrals/:id/:action')
  @Page('referrals/partner-detail', 'referrals.partner.detail_title')
  async partnerAction(
    @Req() req: FastifyRequest,
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
  ) {
    const s = req.staff!;
    try {
      switch (action) {
        case 'accept':
          await this.referrals.accept(s, id);
          break;
        case 'decline':
          await this.referrals.decline(s, id, text(body.reason));
          break;
        case 'feedback':
          await this.referrals.feedback(s, id, text(body.feedback));
          break;
        case 'complete':
          await this.referrals.complete(s, id, text(body.outcome), text(body.feedback));
          break;
        default:
          throw new DomainError('not_found');
      }
      return new Redirect(`/partner/referrals/${id}?saved=${action}`);
    } catch (e) {
      if (!handleable(e)) throw e;
      return {
        ...(await this.partnerContext(req, id)),
        status: e.status,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
        failedAction: action,
      };
    }
  }
}
