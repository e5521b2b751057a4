import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module.js';
import { MailService } from './mail.service.js';
import { NotificationsController } from './notifications.controller.js';
import { StaffEmailProcessor } from './staff-email.processor.js';

/**
 * Staff e-mail via the outbox (queue `notifications`). Needs a STAFF_DIRECTORY provider (auth
 * module) to turn user ids into addresses. Other modules queue mails with
 * StaffEmailProcessor.queue(manager, userId, template) in their own transaction.
 */
@Module({
  imports: [OutboxModule],
  controllers: [NotificationsController],
  providers: [MailService, StaffEmailProcessor],
  exports: [StaffEmailProcessor, MailService],
})
export class NotificationsModule {}
