/**
 * Audit: the append-only, hash-chained access and change log (audit_event).
 * - Writes are audited with record(manager, …) inside their own transaction; reads with recordNow(…)
 *   before the response is sent. Entries name actor, action and object ids, never content.
 * - Each row's hash covers the previous row's hash; an advisory lock serialises appends so the chain
 *   never forks. A trigger and the app role's grants refuse UPDATE/DELETE/TRUNCATE; verify()
 *   (`npm run cli -- audit:verify`) names the first broken row, and logHead() logs the head daily
 *   so truncating the newest rows shows too.
 * Exports only AuditService.
 */
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditService } from './audit.service.js';
import { AuditEventEntity } from './entities/audit-event.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
