import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { CryptoModule } from '../crypto/crypto.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { RemindersModule } from './reminders/reminders.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { CasesApiController } from './cases-api.controller.js';
import { CasesPagesController } from './cases-pages.controller.js';
import { CasesService } from './cases.service.js';
import { CaseCounterEntity } from './entities/case-counter.entity.js';
import { CaseEntryEntity } from './entities/case-entry.entity.js';
import { CaseReminderEntity } from './entities/case-reminder.entity.js';
import { CaseTaskEntity } from './entities/case-task.entity.js';
import { CaseEntity } from './entities/case.entity.js';
import { IncidentReportEntity } from './entities/incident-report.entity.js';
import { IncidentEntity } from './entities/incident.entity.js';

/**
 * Cases: the inbox, incidents grouping reports, the case file (state machine, assessment, notes,
 * interventions, tasks, the conversation), AGG deadlines. Every query runs under row-level security
 * for the caller's organisation, on top of the service's own ownership check; reads are audited.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      CaseEntity,
      IncidentEntity,
      IncidentReportEntity,
      CaseEntryEntity,
      CaseTaskEntity,
      CaseReminderEntity,
      CaseCounterEntity,
    ]),
    CryptoModule,
    AuditModule,
    IntakeModule,
    RetentionModule,
    RemindersModule,
  ],
  controllers: [CasesPagesController, CasesApiController],
  providers: [CasesService],
  exports: [CasesService],
})
export class CasesModule {}
