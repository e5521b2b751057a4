import { Module } from '@nestjs/common';
import { WorklistsController } from './worklists.controller.js';
import { WorklistsService } from './worklists.service.js';

/**
 * Work lists over the cases of the caller's organisation: mine, unassigned, due this week, overdue,
 * waiting for a partner, recently updated, all — filters on clear-text codes only, keyset pagination,
 * per-list counts. Reads case_file and case_task (owned by the cases module) with parameterised SQL
 * through the DataSource, under row-level security; it writes nothing. Indexes: migration
 * WorklistIndexes.
 */
@Module({
  controllers: [WorklistsController],
  providers: [WorklistsService],
})
export class WorklistsModule {}
