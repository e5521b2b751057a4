import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Inject, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Public, Roles } from '../../common/decorators/public.decorator.js';
import { DomainError, type FieldError } from '../../common/errors/domain-error.js';
import { isDatabaseUnavailable } from '../../common/errors/all-exceptions.filter.js';
import { formErrors } from '../../common/forms.js';
import { readForm } from '../../common/http/form-body.js';
import { LANGUAGES } from '../../common/i18n/i18n.service.js';
import { RenderPage } from '../../common/views/page.interceptor.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import type { District } from '../settings/settings.registry.js';
import { SettingsService } from '../settings/settings.service.js';
import { AttachmentInspector } from './attachments/attachment-inspector.js';
import { inspectUploads } from './form-files.js';
import { SubmitLimiter } from './submit-limiter.js';
import { InstallationSecretsService } from './installation-secrets.service.js';
import { IntakeService, type SubmitResult } from './intake.service.js';
import { generateReceipt, signStart, verifyStart } from './receipts.js';
import { berlinToday, reportFormModel } from './report-form.view.js';
import { formatReceipt, validateReport } from './report-validation.js';

/** A person needs more than this to fill in the form; faster posts are asked to check and send again. */
const MIN_FILL_MS = 3_000;

function confirmation(result: Pick<SubmitResult, 'receipt' | 'deadlineMonths' | 'contact'>) {
  const receipt = formatReceipt(result.receipt);
  return {
    receipt,
    receiptSpoken: result.receipt.split('').join(' '),
    deadline: result.deadlineMonths ? { months: result.deadlineMonths } : null,
    contact: result.contact,
  };
}

/** The public report form (and the same form for counsellors recording a report on someone's behalf). */
@ApiExcludeController()
@Controller()
export class ReportPagesController {
  constructor(
    private readonly intake: IntakeService,
    private readonly settings: SettingsService,
    private readonly inspector: AttachmentInspector,
    private readonly submitLimiter: SubmitLimiter,
    private readonly secrets: InstallationSecretsService,
    private readonly renderer: ViewRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** the last districts and deadline read, so the form can still be shown while the database is away */
  private lastKnown: { districts: District[]; deadlineMonths: number } | undefined;

  private async model(lang: string, staffEntry: boolean) {
    try {
      this.lastKnown = {
        districts: await this.settings.districts(),
        deadlineMonths: await this.settings.getInt('deadlines.employment_months'),
      };
    } catch (e) {
      if (!this.lastKnown || !isDatabaseUnavailable(e)) throw e;
    }
    return reportFormModel(this.renderer, lang, {
      districts: this.lastKnown.districts,
      deadlineMonths: this.lastKnown.deadlineMonths,
      maxFiles: this.config.intake.maxFiles,
      maxFileBytes: this.config.intake.maxFileBytes,
      staffEntry,
    });
  }

  private async freshValues(lang: string) {
    return {
      idempotencyKey: randomBytes(18).toString('base64url'),
      startedAt: signStart(Date.now(), await this.secrets.get('form_signing_key')),
      preferredLanguage: lang === 'ls' ? 'de' : lang,
      draftToken: '',
    };
  }

  @Public()
  @Get('report')
  @Page('public/report', 'intake.form.title', 'public')
  async form(@Req() req: FastifyRequest) {
    return { ...(await this.model(req.lang, false)), values: await this.freshValues(req.lang) };
  }

  @Public()
  @Post('report')
  @Page('public/report', 'intake.form.title', 'public')
  async submit(@Req() req: FastifyRequest, @Body() body: unknown) {
    return this.handle(req, body, false);
  }

  @Roles('counsellor', 'admin')
  @Get('staff/reports/new')
  @Page('public/report', 'intake.staff.title')
  async staffForm(@Req() req: FastifyRequest) {
    return {
      ...(await this.model(req.lang, true)),
      values: await this.freshValues(req.lang),
      intro: 'intake.staff.intro',
    };
  }

  @Roles('counsellor', 'admin')
  @Post('staff/reports/new')
  @Page('public/report', 'intake.staff.title')
  async staffSubmit(@Req() req: FastifyRequest, @Body() body: unknown) {
    return this.handle(req, body, true);
  }

  private async handle(req: FastifyRequest, body: unknown, staffEntry: boolean) {
    try {
      return await this.process(req, body, staffEntry);
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      // Nothing was stored and nothing is lost: the form comes back with everything typed (files
      // must be chosen again) and says so; the status tells clients to retry.
      const { fields } = readForm(body);
      return {
        ...(await this.model(req.lang, staffEntry)),
        status: 503,
        values: { ...fields, grounds: [fields.grounds ?? []].flat(), wishes: [fields.wishes ?? []].flat() },
        keptFiles: [],
        errors: formErrors(
          this.renderer,
          req.lang,
          [],
          new DomainError('unavailable', 'intake.errors.unavailable'),
        ),
      };
    }
  }

  private async process(req: FastifyRequest, body: unknown, staffEntry: boolean) {
    const { fields, files } = readForm(body);
    const values: Record<string, unknown> = { ...fields };
    for (const key of ['grounds', 'wishes']) {
      const v = fields[key];
      values[key] = v === undefined ? [] : Array.isArray(v) ? v : [v];
    }
    const rerender = async (
      status: number,
      errs: FieldError[],
      general?: DomainError,
      keptFiles: { kind: string }[] = [],
    ) => ({
      ...(await this.model(req.lang, staffEntry)),
      status,
      values,
      keptFiles: keptFiles.map((f, i) => ({ number: i + 1, kind: f.kind.toUpperCase() })),
      errors: formErrors(this.renderer, req.lang, errs, general),
    });

    // a bot filled the invisible field: answer like a success, store nothing
    if (!staffEntry && typeof fields.website === 'string' && fields.website.trim() !== '') {
      return this.done({ receipt: generateReceipt(), deadlineMonths: null, contact: false });
    }

    if (!staffEntry && !this.submitLimiter.allow(req.ip)) {
      return rerender(429, [], new DomainError('rate_limited', 'intake.errors.rate_limited'));
    }

    const errors: FieldError[] = [];
    const signingKey = await this.secrets.get('form_signing_key');
    const started = verifyStart(fields.startedAt, signingKey);
    if (!staffEntry && (started === null || Date.now() - started < MIN_FILL_MS)) {
      errors.push({ field: 'narrative', messageKey: 'intake.errors.too_fast' });
      // a fresh, valid start for the next try: a person who waits a moment gets through
      values.startedAt = signStart(Date.now() - MIN_FILL_MS, signingKey);
    }

    const { input, fields: fieldErrors } = validateReport(fields, {
      districtCodes: await this.intake.districtCodes(),
      languages: LANGUAGES,
      today: berlinToday(),
      staffEntry,
    });
    errors.push(...fieldErrors);

    const draftToken = typeof fields.draftToken === 'string' ? fields.draftToken : '';
    let kept = draftToken ? await this.intake.loadDraftFiles(draftToken) : [];
    if (kept === null) {
      errors.push({ field: 'files', messageKey: 'intake.errors.files_expired' });
      kept = [];
    }
    const { accepted, errors: fileErrors } = await inspectUploads(
      this.inspector,
      files,
      this.config.intake,
      kept.length,
    );
    errors.push(...fileErrors);

    if (errors.length || !input) {
      if (accepted.length)
        values.draftToken = await this.intake.saveDraftFiles(accepted, draftToken || undefined);
      const status = errors.some((e) => e.messageKey === 'intake.attachments.errors.scanner_unavailable')
        ? 503
        : 422;
      return rerender(status, errors, undefined, [...kept, ...accepted]);
    }

    const idempotencyKey =
      typeof fields.idempotencyKey === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(fields.idempotencyKey)
        ? fields.idempotencyKey
        : undefined;
    const result = await this.intake.submit(input, {
      idempotencyKey,
      channel: staffEntry ? input.channel! : 'web_form',
      staff: staffEntry
        ? { userId: req.staff!.userId, organisationId: req.staff!.organisationId }
        : undefined,
      files: [...kept, ...accepted],
    });
    if (draftToken) await this.intake.discardDraft(draftToken);
    return this.done(result, staffEntry);
  }

  private done(result: Pick<SubmitResult, 'receipt' | 'deadlineMonths' | 'contact'>, staffEntry = false) {
    return new RenderPage('public/confirmation', 'intake.done.title', {
      ...confirmation(result),
      staffEntry,
    });
  }
}
