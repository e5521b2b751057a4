import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module.js';
import { CryptoModule } from '../../crypto/crypto.module.js';
import { IntakeModule } from '../../intake/intake.module.js';
import { RetentionApiController, RetentionPagesController } from './retention.controller.js';
import { RetentionService } from './retention.service.js';

/**
 * Retention and erasure of cases and reports (daily job `maintenance/retention`), legal holds,
 * erasure on request and the subject access export. Imported by the cases module.
 */
@Module({
  imports: [CryptoModule, AuditModule, IntakeModule],
  controllers: [RetentionApiController, RetentionPagesController],
  providers: [RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
