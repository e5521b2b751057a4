import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiExcludeController,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RTL_LANGS } from '../../common/i18n/i18n.service.js';
import { Page } from '../../common/decorators/page.decorator.js';
import { Roles } from '../../common/decorators/public.decorator.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import { SettingsService } from '../settings/settings.service.js';
import { toCsv } from './csv.js';
import { lastCompleteQuarter, parsePeriod, startedPeriods, PERIOD_FORMS, type Period } from './period.js';
import { pageModel } from './statistics-view.js';
import { StatisticsRefreshService } from './statistics-refresh.service.js';
import { StatisticsService } from './statistics.service.js';

const resolve = (raw: unknown): Period =>
  raw === undefined || raw === '' ? lastCompleteQuarter() : parsePeriod(raw);

const PERIOD_QUERY = {
  name: 'period',
  required: false,
  description: `${PERIOD_FORMS}; a period that has started. Default: the last complete quarter.`,
  example: '2026-Q3',
};

/** The statistics page for the Migration and Integration Officer (and admins): never a case. */
@ApiExcludeController()
@Roles('officer', 'admin')
@Controller()
export class StatisticsPagesController {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly settings: SettingsService,
    private readonly renderer: ViewRenderer,
  ) {}

  @Get('statistics')
  @Page('statistics/index', 'statistics.title')
  async page(@Req() req: FastifyRequest, @Query('period') raw?: string) {
    const period = resolve(raw);
    const lang = req.lang;
    const view = await this.statistics.release(period, lang);
    const districts = await this.settings.districts();
    const labels = new Map(districts.map((d) => [d.code, d.labels[lang] ?? d.labels.de]));
    const dir = RTL_LANGS.has(lang) ? 'rtl' : 'ltr';
    const options = startedPeriods(await this.statistics.firstYear());
    const mark = (codes: string[]) => codes.map((code) => ({ code, selected: code === period.code }));
    return {
      period,
      periodOptions: {
        years: mark(options.years),
        quarters: mark(options.quarters),
        months: mark(options.months),
      },
      ...pageModel(view, this.renderer, lang, dir, labels),
      thresholds: view.thresholds,
      summary: view.release.summary,
      methodology: view.methodology.text.split(/\n\s*\n/).map((p) => p.split('\n')),
      methodologyLang: view.methodology.lang,
      downloads: {
        json: `/api/v1/statistics?period=${encodeURIComponent(period.code)}`,
        csv: `/api/v1/statistics.csv?period=${encodeURIComponent(period.code)}`,
      },
    };
  }
}

/** The same release as JSON and CSV. */
@ApiTags('statistics')
@Roles('officer', 'admin')
@Controller('api/v1')
export class StatisticsApiController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get('statistics')
  @ApiOperation({
    summary: 'Anonymised statistics of a fixed period (after disclosure control)',
    description:
      'Exactly what the statistics page shows: the published release (hidden entries carry only a label such as "<5", "·" or "×"), key figures with comparisons, medians and the methodology note. Every table names its unit (reports, incidents, cases or mentions).',
  })
  @ApiQuery(PERIOD_QUERY)
  @ApiOkResponse({ description: 'the published statistics' })
  async json(@Req() req: FastifyRequest, @Query('period') raw?: string) {
    return this.statistics.release(resolve(raw), req.lang);
  }

  @Get('statistics.csv')
  @ApiOperation({
    summary: 'The same statistics as CSV (one block per table: table, unit, row, column, value or label)',
  })
  @ApiQuery(PERIOD_QUERY)
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV download' })
  async csv(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('period') raw?: string,
  ) {
    const period = resolve(raw);
    const view = await this.statistics.release(period, req.lang);
    void reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="statistics-${period.code}.csv"`)
      .header('x-content-type-options', 'nosniff');
    return toCsv(view);
  }
}

/** Operations: refresh the statistics cache now instead of waiting for the five-minute job. */
@ApiTags('statistics')
@Roles('admin')
@Controller('api/v1/admin/statistics')
export class StatisticsAdminController {
  constructor(private readonly refresh: StatisticsRefreshService) {}

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Run the statistics cache refresh now: folds the change log into the per-month counts, drops month ' +
      'parts whose month changed since, and rebuilds ' +
      'the releases (last complete quarter, periods opened in the last 14 days) whose data changed; ' +
      'answers with period codes and counts only',
  })
  @ApiOkResponse({ description: '{ compacted, droppedParts, periods, rebuilt }' })
  run() {
    return this.refresh.run();
  }
}
