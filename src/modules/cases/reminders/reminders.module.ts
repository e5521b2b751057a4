import { Module } from '@nestjs/common';
import { IntakeModule } from '../../intake/intake.module.js';
import { NotificationsModule } from '../../notifications/notifications.module.js';
import { RemindersController } from './reminders.controller.js';
import { RemindersService } from './reminders.service.js';

/** Deadline reminders and overdue-task e-mails (hourly job `maintenance/case-reminders`). Imported by the cases module. */
@Module({
  imports: [NotificationsModule, IntakeModule],
  controllers: [RemindersController],
  providers: [RemindersService],
  exports: [RemindersService],
})
export class RemindersModule {}
