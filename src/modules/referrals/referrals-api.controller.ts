import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Roles } from '../../common/decorators/public.decorator.js';
import {
  CompleteDto,
  CreateReferralDto,
  DeclineDto,
  FeedbackDto,
  FiguresQueryDto,
  PartnerProfileDto,
  ReferralVersionDto,
  RunRemindersDto,
} from './dto/referral.dto.js';
import type { ReferralEntity } from './entities/referral.entity.js';
import { PartnersService } from './partners.service.js';
import { ReferralRemindersService } from './referral-reminders.service.js';
import { ReferralsService } from './referrals.service.js';

function referralView(r: ReferralEntity) {
  return {
    id: r.id,
    caseId: r.caseId,
    reportId: r.reportId,
    toOrganisationId: r.toOrganisationId,
    serviceType: r.serviceType,
    status: r.status,
    sharedFields: r.sharedFields,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
    version: r.version,
  };
}

/** Referrals as the referring counsellors see them. */
@ApiTags('referrals')
@Roles('counsellor')
@Controller('api/v1/referrals')
export class ReferralsApiController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get()
  @ApiOperation({ summary: "Referrals of the caller's organisation (optionally of one case)" })
  list(@Req() req: FastifyRequest, @Query('caseId') caseId?: string) {
    return this.referrals.listForOrganisation(
      req.staff!,
      typeof caseId === 'string' && caseId ? caseId : undefined,
    );
  }

  @Post()
  @ApiOperation({ summary: 'A draft referral from a case to a partner (nothing is shared until it is sent)' })
  async create(@Req() req: FastifyRequest, @Body() dto: CreateReferralDto) {
    return referralView(await this.referrals.create(req.staff!, dto));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A referral of the organisation, with the partner feedback (audited read)' })
  get(@Req() req: FastifyRequest, @Param('id') id: string) {
    return this.referrals.getForCounsellor(req.staff!, id);
  }

  @Post(':id/send')
  @HttpCode(200)
  @ApiOperation({ summary: "Send: needs the reporter's consent to share (409 otherwise); tells the partner" })
  async send(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: ReferralVersionDto) {
    return referralView(await this.referrals.send(req.staff!, id, dto.version));
  }

  @Post(':id/revoke')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke (any time before completion); queued e-mails are cancelled' })
  async revoke(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: ReferralVersionDto) {
    await this.referrals.revoke(req.staff!, id, dto.version);
  }
}

/** Referrals as the receiving partner sees them: only its own, only the shared fields. */
@ApiTags('referrals')
@Roles('partner')
@Controller('api/v1/partner/referrals')
export class PartnerReferralsApiController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get()
  @ApiOperation({ summary: "Referrals to the caller's organisation" })
  list(@Req() req: FastifyRequest) {
    return this.referrals.listForPartner(req.staff!);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A referral: the shared fields only; a revoked one without content' })
  get(@Req() req: FastifyRequest, @Param('id') id: string) {
    return this.referrals.getForPartner(req.staff!, id);
  }

  @Post(':id/accept')
  @HttpCode(204)
  @ApiOperation({ summary: 'Accept' })
  async accept(@Req() req: FastifyRequest, @Param('id') id: string) {
    await this.referrals.accept(req.staff!, id);
  }

  @Post(':id/decline')
  @HttpCode(204)
  @ApiOperation({ summary: 'Decline with a reason' })
  async decline(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: DeclineDto) {
    await this.referrals.decline(req.staff!, id, dto.reason);
  }

  @Post(':id/feedback')
  @HttpCode(204)
  @ApiOperation({ summary: 'Feedback to the referring counsellors (encrypted)' })
  async feedback(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: FeedbackDto) {
    await this.referrals.feedback(req.staff!, id, dto.feedback);
  }

  @Post(':id/complete')
  @HttpCode(204)
  @ApiOperation({ summary: 'Complete with an outcome (DOMAIN.md outcomes)' })
  async complete(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: CompleteDto) {
    await this.referrals.complete(req.staff!, id, dto.outcome, dto.feedback);
  }
}

/** The partner directory (public information), referral figures, the reminder job. */
@ApiTags('referrals')
@Controller('api/v1')
export class PartnersApiController {
  constructor(
    private readonly partners: PartnersService,
    private readonly referrals: ReferralsService,
    private readonly reminders: ReferralRemindersService,
  ) {}

  @Get('partners')
  @Roles('admin', 'counsellor', 'officer', 'partner')
  @ApiOperation({ summary: 'The partner directory (every partner-kind organisation)' })
  list() {
    return this.partners.list();
  }

  @Get('partners/:organisationId')
  @Roles('admin', 'counsellor', 'officer', 'partner')
  @ApiOperation({ summary: "One organisation's directory entry" })
  get(@Param('organisationId') organisationId: string) {
    return this.partners.get(organisationId);
  }

  @Put('partners/:organisationId')
  @Roles('admin')
  @ApiOperation({
    summary:
      "Create or update an entry (service-centre admins: all; a partner organisation's admin: its own)",
  })
  save(
    @Req() req: FastifyRequest,
    @Param('organisationId') organisationId: string,
    @Body() dto: PartnerProfileDto,
  ) {
    const { version, ...input } = dto;
    return this.partners.save(req.staff!, organisationId, input, version);
  }

  @Get('referral-figures')
  @Roles('admin', 'officer')
  @ApiOperation({ summary: 'Referral figures for a period (codes and counts, no personal data)' })
  figures(@Query() q: FiguresQueryDto) {
    return this.referrals.figures({ from: q.from, to: q.to });
  }

  @Post('admin/referrals/reminders/run')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the referral reminders now (optionally as of another time); counts only' })
  runReminders(@Body() dto: RunRemindersDto) {
    return this.reminders.run(dto.asOf ? new Date(dto.asOf) : undefined);
  }
}
