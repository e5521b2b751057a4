import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { StatisticsModule } from '../statistics/statistics.module.js';
import { CLOCK, systemClock } from '../../common/clock.js';
import { AutomaticReportsService } from './automatic-reports.service.js';
import { PeriodicReportEntity } from './periodic-report.entity.js';
import {
  AutomaticReportsController,
  PeriodicReportsApiController,
  PeriodicReportsPagesController,
} from './periodic-reports.controller.js';
import { PeriodicReportsService } from './periodic-reports.service.js';

/**
 * Periodic PDF reports of the anonymised statistics (quarter, year): requested by the officer, rendered
 * by a queue worker (outbox queue `reports`, job `render`) from the published release only, stored with
 * their SHA-256. Layout: templates/reports/periodic-report.json. The hourly job
 * `maintenance/periodic-reports-auto` makes the reports of each finished quarter and year by itself;
 * officers get an e-mail without content when a report is ready.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([PeriodicReportEntity]),
    OutboxModule,
    NotificationsModule,
    StatisticsModule,
  ],
  controllers: [PeriodicReportsPagesController, PeriodicReportsApiController, AutomaticReportsController],
  providers: [PeriodicReportsService, AutomaticReportsService, { provide: CLOCK, useValue: systemClock }],
})
export class PeriodicReportsModule {}
