import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { ViewsModule } from '../../common/views/views.module.js';
import { ConfigModule } from '../../config/config.module.js';
import { buildDataSourceOptions } from '../../database/data-source.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { CryptoModule } from '../crypto/crypto.module.js';
import { MaintenanceModule } from '../maintenance/maintenance.module.js';
import { RemindersModule } from '../cases/reminders/reminders.module.js';
import { RetentionModule } from '../cases/retention/retention.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { PeriodicReportsModule } from '../reports/reports.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { QueueModule } from './queue.module.js';

/**
 * The worker process (src/worker.ts): queue consumers only, no HTTP. It shares the app's
 * database (never the embedded one: embedded mode runs its workers inside the app).
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig & { database: { url: string } }): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        ViewsModule,
        // workers run up to `concurrency` jobs per queue, each may hold a connection
        TypeOrmModule.forRoot(buildDataSourceOptions(config.database.url, config.database.poolSize)),
        QueueModule.forRoot({ databaseUrl: config.database.url, tuning: { prefix: config.queue.prefix } }),
        OutboxModule,
        NotificationsModule,
        CryptoModule,
        AuditModule,
        SettingsModule,
        // provides STAFF_DIRECTORY for staff e-mails
        AuthModule,
        MaintenanceModule,
        // retention and reminders jobs (bring the intake module with them)
        RetentionModule,
        RemindersModule,
        // renders the periodic PDF reports
        PeriodicReportsModule,
      ],
    };
  }
}
