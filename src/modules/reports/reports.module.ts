import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox/outbox.module.js';
import { StatisticsService } from '../statistics/statistics.service.js';
import { PeriodicReportEntity } from './periodic-report.entity.js';
import {
  PeriodicReportsApiController,
  PeriodicReportsPagesController,
} from './periodic-reports.controller.js';
import { PeriodicReportsService } from './periodic-reports.service.js';

/**
 * Periodic PDF reports of the anonymised statistics (quarter, year): requested by the officer, rendered
 * by a queue worker (outbox queue `reports`, job `render`) from the published release only, stored with
 * their SHA-256. Layout: templates/reports/periodic-report.json.
 */
@Module({
  imports: [TypeOrmModule.forFeature([PeriodicReportEntity]), OutboxModule],
  controllers: [PeriodicReportsPagesController, PeriodicReportsApiController],
  providers: [StatisticsService, PeriodicReportsService],
})
export class PeriodicReportsModule {}
