import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExcludeController,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error.js';
import { Page } from '../../common/decorators/page.decorator.js';
import { Roles } from '../../common/decorators/public.decorator.js';
import { Redirect } from '../../common/views/page.interceptor.js';
import { startedPeriods } from '../statistics/period.js';
import { StatisticsService } from '../statistics/statistics.service.js';
import { AutomaticReportsService } from './automatic-reports.service.js';
import { PeriodicReportsService, REPORT_LANGUAGES } from './periodic-reports.service.js';

/** The reports page: request a PDF, follow its progress, download it. */
@ApiExcludeController()
@Roles('officer', 'admin')
@Controller()
export class PeriodicReportsPagesController {
  constructor(
    private readonly reports: PeriodicReportsService,
    private readonly statistics: StatisticsService,
  ) {}

  private async context(req: FastifyRequest, extra: Record<string, unknown> = {}) {
    const options = startedPeriods(await this.statistics.firstYear());
    const list = await this.reports.list();
    return {
      years: options.years,
      quarters: options.quarters,
      languages: REPORT_LANGUAGES.map((code) => ({
        code,
        selected: code === (req.lang === 'en' ? 'en' : 'de'),
      })),
      reports: list.map((r) => ({
        ...r,
        done: r.status === 'done',
        failed: r.status === 'failed',
        pending: r.status === 'queued' || r.status === 'running',
        statusKey: `reports.statuses.${r.status}`,
        created: r.createdAt.toISOString().slice(0, 16).replace('T', ' '),
        download: `/api/v1/periodic-reports/${r.id}/pdf`,
      })),
      anyPending: list.some((r) => r.status === 'queued' || r.status === 'running'),
      ...extra,
    };
  }

  @Get('reports')
  @Page('reports/index', 'reports.title')
  async page(@Req() req: FastifyRequest, @Query('requested') requested?: string) {
    return this.context(req, { requested: requested === '1' });
  }

  @Post('reports')
  @Page('reports/index', 'reports.title')
  async requestReport(@Req() req: FastifyRequest, @Body() body: Record<string, unknown>) {
    try {
      await this.reports.request(req.staff!.userId, { period: body.period, language: body.language });
      return new Redirect('/reports?requested=1');
    } catch (e) {
      if (!(e instanceof DomainError) || e.code !== 'bad_request') throw e;
      return { ...(await this.context(req)), status: 400, errorKey: e.messageKey };
    }
  }
}

@ApiTags('periodic-reports')
@Roles('officer', 'admin')
@Controller('api/v1/periodic-reports')
export class PeriodicReportsApiController {
  constructor(private readonly reports: PeriodicReportsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a periodic PDF report (quarter or year that has started; language de or en)',
  })
  @ApiAcceptedResponse({ description: '{ id } of the queued report' })
  request(
    @Req() req: FastifyRequest,
    @Body() body: { period?: string; kind?: string; language?: string } | undefined,
  ) {
    const b = body ?? {};
    return this.reports.request(req.staff!.userId, { period: b.period, kind: b.kind, language: b.language });
  }

  @Get()
  @ApiOperation({ summary: 'Periodic reports, newest first (status, no PDF)' })
  list() {
    return this.reports.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status of one periodic report (failed: with the reason)' })
  get(@Param('id') id: string) {
    return this.reports.get(id);
  }

  @Get(':id/pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'the PDF (attachment); header x-content-sha256 carries its SHA-256' })
  async pdf(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.reports.pdf(id);
    void reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${r.filename}"`)
      .header('x-content-sha256', r.sha256)
      .header('x-content-type-options', 'nosniff');
    return r.pdf;
  }
}

@ApiTags('periodic-reports')
@Roles('admin')
@Controller('api/v1/admin/periodic-reports')
export class AutomaticReportsController {
  constructor(private readonly automatic: AutomaticReportsService) {}

  @Post('run')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Run the automatic reports now (optionally as of an earlier time, never a later one): queues the ' +
      'reports of the last finished quarter and year that do not exist yet; periods and counts only',
  })
  run(@Body() body: { asOf?: string } | undefined) {
    const raw = body?.asOf;
    if (raw === undefined || raw === '') return this.automatic.run();
    const asOf = typeof raw === 'string' ? new Date(raw) : new Date(NaN);
    // a later time would make the report of a period that has not ended, and block the real one
    if (Number.isNaN(asOf.getTime()) || asOf.getTime() > Date.now())
      throw new DomainError('bad_request', 'reports.errors.as_of');
    return this.automatic.run(asOf);
  }
}
