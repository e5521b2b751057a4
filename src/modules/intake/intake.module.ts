import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AuditModule } from '../audit/audit.module.js';
import { CryptoModule } from '../crypto/crypto.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { QueueService } from '../queue/queue.service.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { IntakeDraftFileEntity } from './entities/intake-draft-file.entity.js';
import { InstallationSecretEntity } from './entities/installation-secret.entity.js';
import { MailboxSessionEntity } from './entities/mailbox-session.entity.js';
import { ReportAttachmentEntity } from './entities/report-attachment.entity.js';
import { ReportConsentEntity } from './entities/report-consent.entity.js';
import { ReportMessageEntity } from './entities/report-message.entity.js';
import { ReportEntity } from './entities/report.entity.js';
import { InstallationSecretsService } from './installation-secrets.service.js';
import { IntakeApiController } from './intake-api.controller.js';
import { IntakeService } from './intake.service.js';
import { MailboxPagesController } from './mailbox-pages.controller.js';
import { MailboxService } from './mailbox.service.js';
import { PublicPagesController } from './public-pages.controller.js';
import { ReportPagesController } from './report-pages.controller.js';
import { StaffReportsController } from './staff-reports.controller.js';
import { StaffReportsService } from './staff-reports.service.js';
import { SubmitLimiter } from './submit-limiter.js';

/** Housekeeping: expired drafts and receipt replays, idle mailbox sessions. */
@Injectable()
export class IntakeJobs implements OnModuleInit {
  constructor(
    private readonly queues: QueueService,
    private readonly intake: IntakeService,
    private readonly mailbox: MailboxService,
  ) {}

  onModuleInit(): void {
    this.queues.registerProcessor('maintenance', 'intake-purge', async () => {
      await this.intake.purgeExpired();
      await this.mailbox.purgeSessions();
    });
    this.queues.registerRepeatable('maintenance', 'intake-purge', 10 * 60_000);
  }
}

/**
 * Intake: the public form in seven languages (plus easy German), the receipt-code mailbox, the JSON
 * intake API and staff-entered reports. One transaction stores a report (content, contact and files
 * encrypted with its own data key), its consent ledger, the audit entry and the outbox rows for the
 * counsellors' e-mail. Receipts exist only as argon2id hashes; nothing identifies a reporter's device.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ReportEntity,
      ReportConsentEntity,
      ReportMessageEntity,
      ReportAttachmentEntity,
      MailboxSessionEntity,
      IntakeDraftFileEntity,
      InstallationSecretEntity,
    ]),
    CryptoModule,
    AuditModule,
    NotificationsModule,
    AttachmentsModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        maxBytes: config.intake.maxFileBytes,
        clamd: config.intake.clamav,
      }),
    }),
  ],
  controllers: [
    PublicPagesController,
    ReportPagesController,
    MailboxPagesController,
    IntakeApiController,
    StaffReportsController,
  ],
  providers: [
    IntakeService,
    MailboxService,
    StaffReportsService,
    InstallationSecretsService,
    SubmitLimiter,
    IntakeJobs,
  ],
  exports: [IntakeService, MailboxService, StaffReportsService],
})
export class IntakeModule {}
