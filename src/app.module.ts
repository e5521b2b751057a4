import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { PageInterceptor } from './common/views/page.interceptor.js';
import { ViewsModule } from './common/views/views.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { buildDataSourceOptions } from './database/data-source.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { CryptoModule } from './modules/crypto/crypto.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { OutboxModule } from './modules/outbox/outbox.module.js';
import { QueueModule } from './modules/queue/queue.module.js';
import { SettingsModule } from './modules/settings/settings.module.js';
import { DemoModule } from './modules/demo/demo.module.js';
import { CasesModule } from './modules/cases/cases.module.js';
import { WorklistsModule } from './modules/cases/worklists/worklists.module.js';
import { IntakeModule } from './modules/intake/intake.module.js';
import { ReferralsModule } from './modules/referrals/referrals.module.js';
import { StatisticsModule } from './modules/statistics/statistics.module.js';
import { PeriodicReportsModule } from './modules/reports/reports.module.js';
import { MaintenanceModule } from './modules/maintenance/maintenance.module.js';
import { WebModule } from './modules/web/web.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        ViewsModule,
        TypeOrmModule.forRoot(buildDataSourceOptions(databaseUrl, config.database.poolSize)),
        QueueModule.forRoot({ databaseUrl, tuning: { prefix: config.queue.prefix } }),
        OutboxModule,
        CryptoModule,
        AuditModule,
        SettingsModule,
        NotificationsModule,
        AuthModule,
        HealthModule,
        IntakeModule,
        CasesModule,
        ReferralsModule,
        StatisticsModule,
        PeriodicReportsModule,
        WorklistsModule,
        MaintenanceModule,
        DemoModule,
        WebModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: PageInterceptor },
      ],
    };
  }
}
