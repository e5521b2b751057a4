import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuditService } from '../audit/audit.service.js';
import { LoginThrottleService } from '../auth/login-throttle.service.js';
import { SessionsService } from '../auth/sessions.service.js';
import { QueueService } from '../queue/queue.service.js';

const QUEUE = 'maintenance';

/**
 * Housekeeping as repeatable jobs, registered again at every boot (Redis may have lost them):
 * the daily audit head hash into the log (so tampering with the database alone shows), and the
 * removal of expired sessions and stale login-throttle rows. All safe to run twice.
 */
@Injectable()
export class MaintenanceJobs implements OnModuleInit {
  constructor(
    private readonly queues: QueueService,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottleService,
  ) {}

  onModuleInit(): void {
    this.queues.registerProcessor(QUEUE, 'audit-head', () => this.audit.logHead());
    this.queues.registerRepeatable(QUEUE, 'audit-head', '0 3 * * *');
    this.queues.registerProcessor(QUEUE, 'sessions-purge', async () => {
      await this.sessions.purgeExpired();
      await this.throttle.purge();
    });
    this.queues.registerRepeatable(QUEUE, 'sessions-purge', 15 * 60_000);
  }
}

@Module({ imports: [AuditModule], providers: [MaintenanceJobs] })
export class MaintenanceModule {}
