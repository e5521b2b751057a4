import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxService } from '../outbox/outbox.service.js';
import { MailService, STAFF_EMAIL_TEMPLATES, type StaffEmailTemplate } from './mail.service.js';
import { STAFF_DIRECTORY, type StaffDirectory } from './staff-directory.js';

export const NOTIFICATIONS_QUEUE = 'notifications';
export const STAFF_EMAIL_JOB = 'staff-email';

/**
 * Outbox queue `notifications`, job `staff-email`, payload `{ userId, template }`. The address is
 * looked up when the job runs, so it never sits in the outbox or in Redis, and a user deleted or
 * disabled in the meantime gets nothing.
 */
@Injectable()
export class StaffEmailProcessor implements OnModuleInit {
  private readonly logger = new Logger(StaffEmailProcessor.name);

  constructor(
    private readonly outbox: OutboxService,
    private readonly mail: MailService,
    // @Optional so the worker boots before the auth module provides it; jobs then retry
    @Optional() @Inject(STAFF_DIRECTORY) private readonly directory?: StaffDirectory,
  ) {}

  onModuleInit(): void {
    this.outbox.registerHandler(NOTIFICATIONS_QUEUE, STAFF_EMAIL_JOB, async ({ outboxId, payload }) => {
      const template = payload.template as StaffEmailTemplate;
      if (typeof payload.userId !== 'string' || !STAFF_EMAIL_TEMPLATES.includes(template)) {
        // retrying cannot fix a malformed payload; complete it and leave a trace
        this.logger.error(`staff-email outbox ${outboxId} has an invalid payload; dropped`);
        return;
      }
      if (!this.directory) throw new Error('no STAFF_DIRECTORY provider: staff e-mails cannot be addressed');
      const contact = await this.directory.contactOf(payload.userId);
      if (!contact) return;
      await this.mail.sendStaffEmail({ outboxId, to: contact.email, lang: contact.lang, template });
    });
  }

  /** Queues a staff e-mail in the caller's transaction. */
  async queue(manager: EntityManager, userId: string, template: StaffEmailTemplate): Promise<string> {
    const [id] = await this.queueMany(manager, [userId], template);
    return id;
  }

  /** The same e-mail to several staff members, queued with one statement in the caller's transaction. */
  queueMany(manager: EntityManager, userIds: string[], template: StaffEmailTemplate): Promise<string[]> {
    return this.outbox.enqueueMany(
      manager,
      userIds.map((userId) => ({
        queue: NOTIFICATIONS_QUEUE,
        name: STAFF_EMAIL_JOB,
        payload: { userId, template },
      })),
    );
  }
}
