import { Module } from '@nestjs/common';
import { StatisticsApiController, StatisticsPagesController } from './statistics.controller.js';
import { StatisticsService } from './statistics.service.js';

/**
 * Anonymised statistics for the Migration and Integration Officer: fixed periods, codes only, every
 * table through disclosure control (./disclosure), published as a page, JSON and CSV. Never a case.
 */
@Module({
  controllers: [StatisticsPagesController, StatisticsApiController],
  providers: [StatisticsService],
})
export class StatisticsModule {}
