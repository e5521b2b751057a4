import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, ReporterAuth } from '../../common/decorators/public.decorator.js';
import { CONSENT_PURPOSES, type ConsentPurpose } from '../../common/domain/vocabulary.js';
import { readForm } from '../../common/http/form-body.js';
import { LANGUAGES } from '../../common/i18n/i18n.service.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AttachmentInspector } from './attachments/attachment-inspector.js';
import {
  CreateReportDto,
  MailboxLoginDto,
  MailboxMessageDto,
  MailboxTokenDto,
  ReportCreatedDto,
} from './dto/report.dto.js';
import { inspectUploads, readMessage } from './form-files.js';
import { SubmitLimiter } from './submit-limiter.js';
import { IntakeErrors } from './intake.errors.js';
import { IntakeService } from './intake.service.js';
import { MAILBOX_IDLE_MS, MailboxService, type MailboxSession } from './mailbox.service.js';
import { berlinToday } from './report-form.view.js';
import { formatReceipt, validateReport } from './report-validation.js';

/** The JSON intake API and the reporter's mailbox API (receipt → bearer token). */
@ApiTags('intake')
@Controller('api/v1')
export class IntakeApiController {
  constructor(
    private readonly intake: IntakeService,
    private readonly mailbox: MailboxService,
    private readonly inspector: AttachmentInspector,
    private readonly submitLimiter: SubmitLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('reports')
  @ApiOperation({
    summary:
      'Submit a report (public). JSON, or multipart/form-data with the same fields plus up to 5 `files`.',
    description:
      'Answers 201 with the receipt code, shown once. A retry with the same idempotency key (body `idempotencyKey` ' +
      'or header `Idempotency-Key`) within 24 hours answers 200 with the same receipt and creates nothing.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: CreateReportDto })
  @ApiCreatedResponse({ type: ReportCreatedDto })
  @ApiOkResponse({ type: ReportCreatedDto, description: 'a retry: the same receipt again' })
  async create(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyHeader?: string,
  ): Promise<ReportCreatedDto> {
    if (!this.submitLimiter.allow(req.ip)) throw IntakeErrors.rateLimited();
    const multipart = req.isMultipart();
    const { fields, files } = multipart
      ? readForm(body)
      : { fields: (body ?? {}) as Record<string, unknown>, files: [] };
    const { input, fields: errors } = validateReport(fields, {
      districtCodes: await this.intake.districtCodes(),
      languages: LANGUAGES,
      today: berlinToday(),
    });
    const inspected = await inspectUploads(this.inspector, files, this.config.intake);
    errors.push(...inspected.errors);
    if (errors.length || !input) throw IntakeErrors.validation(errors);
    const key =
      idempotencyHeader ?? (typeof fields.idempotencyKey === 'string' ? fields.idempotencyKey : undefined);
    if (key !== undefined && !/^[A-Za-z0-9_-]{16,64}$/.test(key))
      throw IntakeErrors.validation([{ field: 'idempotencyKey', messageKey: 'validation.matches' }]);
    const result = await this.intake.submit(input, {
      idempotencyKey: key,
      channel: 'api',
      files: inspected.accepted,
    });
    if (result.replayed) void reply.code(200);
    return {
      receipt: formatReceipt(result.receipt),
      replayed: result.replayed,
      deadlineMonths: result.deadlineMonths,
      mailbox: '/follow-up',
    };
  }

  @Public()
  @Post('mailbox/session')
  @ApiTags('mailbox')
  @ApiOperation({ summary: 'Open the mailbox with the receipt code; wrong codes are throttled' })
  @ApiCreatedResponse({ type: MailboxTokenDto })
  async login(@Req() req: FastifyRequest, @Body() dto: MailboxLoginDto): Promise<MailboxTokenDto> {
    const { token } = await this.mailbox.login(dto.receipt, req.ip);
    return { token, idleTimeoutSeconds: MAILBOX_IDLE_MS / 1000 };
  }

  private async session(authorization: string | undefined): Promise<MailboxSession> {
    const token = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '')?.[1];
    const session = await this.mailbox.resolve(token);
    if (!session) throw IntakeErrors.sessionExpired();
    return session;
  }

  @ReporterAuth()
  @Get('mailbox')
  @ApiTags('mailbox')
  @ApiBearerAuth('mailbox')
  @ApiOperation({ summary: 'Status in plain words, the conversation and the consents' })
  async view(@Headers('authorization') authorization?: string) {
    return this.mailbox.view(await this.session(authorization));
  }

  @ReporterAuth()
  @Post('mailbox/messages')
  @ApiTags('mailbox')
  @ApiBearerAuth('mailbox')
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiOperation({ summary: 'Reply or add information (and files with multipart)' })
  @ApiBody({ type: MailboxMessageDto })
  @HttpCode(201)
  async message(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
    @Headers('authorization') authorization?: string,
  ) {
    const session = await this.session(authorization);
    const { fields, files } = req.isMultipart()
      ? readForm(body)
      : { fields: (body ?? {}) as Record<string, unknown>, files: [] };
    const { text, accepted, errors } = await readMessage(
      this.inspector,
      this.config.intake,
      fields.body,
      files,
    );
    if (errors.length) throw IntakeErrors.validation(errors);
    await this.mailbox.addMessage(session, text, accepted);
    return { sent: true };
  }

  @ReporterAuth()
  @Post('mailbox/consents/:purpose/:action')
  @ApiTags('mailbox')
  @ApiBearerAuth('mailbox')
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Withdraw 'contact' or 'share' (…/withdraw), or opt out of statistics (statistics_opt_out/grant)",
  })
  async consent(
    @Param('purpose') purpose: string,
    @Param('action') action: string,
    @Headers('authorization') authorization?: string,
  ) {
    const session = await this.session(authorization);
    if (
      !(CONSENT_PURPOSES as readonly string[]).includes(purpose) ||
      (action !== 'withdraw' && action !== 'grant')
    )
      throw IntakeErrors.notFound();
    await this.mailbox.changeConsent(session, purpose as ConsentPurpose, action);
  }

  @ReporterAuth()
  @Post('mailbox/deletion-request')
  @ApiTags('mailbox')
  @ApiBearerAuth('mailbox')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ask for the report to be deleted' })
  async deletion(@Headers('authorization') authorization?: string) {
    await this.mailbox.requestDeletion(await this.session(authorization));
    return { requested: true };
  }

  @ReporterAuth()
  @Delete('mailbox/session')
  @ApiTags('mailbox')
  @ApiBearerAuth('mailbox')
  @HttpCode(204)
  @ApiOperation({ summary: 'Close the mailbox session' })
  async logout(@Headers('authorization') authorization?: string) {
    await this.mailbox.logout(await this.session(authorization));
  }
}
