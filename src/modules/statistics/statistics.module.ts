import { Module } from '@nestjs/common';
import { CLOCK, systemClock } from '../../common/clock.js';
import {
  StatisticsAdminController,
  StatisticsApiController,
  StatisticsPagesController,
} from './statistics.controller.js';
import { StatisticsRefreshService } from './statistics-refresh.service.js';
import { StatisticsService } from './statistics.service.js';

/**
 * Anonymised statistics for the Migration and Integration Officer: fixed periods, codes only, every
 * table through disclosure control (./disclosure), published as a page, JSON and CSV. Never a case.
 * A release is the sum of its months (./month-parts.ts); releases and month parts are cached under the
 * data version of their months (./statistics-cache.ts) and kept warm by the job
 * `maintenance/statistics-refresh` (./statistics-refresh.service.ts). The periodic reports import this
 * module for the same releases.
 */
@Module({
  controllers: [StatisticsPagesController, StatisticsApiController, StatisticsAdminController],
  providers: [StatisticsService, StatisticsRefreshService, { provide: CLOCK, useValue: systemClock }],
  exports: [StatisticsService],
})
export class StatisticsModule {}
