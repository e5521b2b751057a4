import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { SettingEntity } from './entities/setting.entity.js';
import { SettingsController } from './settings.controller.js';
import { SettingsService } from './settings.service.js';

/**
 * Policy settings (retention, deadline periods, districts, suppression threshold, receiving
 * organisation, reminder intervals): defaults in settings.registry.ts, changes in the database,
 * every change audited. Global, since most modules read them.
 */
@Global()
@Module({
  imports: [AuditModule, AuthModule, TypeOrmModule.forFeature([SettingEntity])],
  controllers: [SettingsController],
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
