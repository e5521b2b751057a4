import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LessThanOrEqual, type DataSource } from 'typeorm';
import { STAFF_EMAIL_TEMPLATES } from '../notifications/mail.service.js';
import { QueueService } from '../queue/queue.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { ReferralEntity } from './entities/referral.entity.js';
import { dueBefore, reminderDue } from './reminder-due.js';
import {
  CLOCK,
  REFERRAL_NEW_TEMPLATE,
  REFERRAL_REMINDER_TEMPLATE,
  type Clock,
} from './referrals.constants.js';
import { ReferralsService } from './referrals.service.js';

export const REFERRAL_REMINDERS_QUEUE = 'maintenance';
export const REFERRAL_REMINDERS_JOB = 'referral-reminders';
const HOURLY = 60 * 60_000;

/**
 * Hourly: a referral still `sent` (unanswered) `referrals.unanswered_reminder_days` after sending
 * gets one reminder e-mail to the partner organisation's users (no content). The time comes from
 * the injectable CLOCK; `run(now)` takes another one (tests, the admin "run now" route).
 */
@Injectable()
export class ReferralRemindersService implements OnModuleInit {
  private readonly logger = new Logger(ReferralRemindersService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly settings: SettingsService,
    private readonly referrals: ReferralsService,
    private readonly queues: QueueService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  static templatesReady(): boolean {
    const known = STAFF_EMAIL_TEMPLATES as readonly string[];
    return known.includes(REFERRAL_NEW_TEMPLATE) && known.includes(REFERRAL_REMINDER_TEMPLATE);
  }

  onModuleInit(): void {
    if (!ReferralRemindersService.templatesReady()) {
      this.logger.error('referral e-mails are not in STAFF_EMAIL_TEMPLATES: referral reminders are off');
      return;
    }
    this.queues.registerProcessor(REFERRAL_REMINDERS_QUEUE, REFERRAL_REMINDERS_JOB, async () => {
      const r = await this.run();
      if (r.reminded)
        this.logger.log(`referral reminders: ${r.reminded} referrals, ${r.emails} e-mails queued`);
    });
    this.queues.registerRepeatable(REFERRAL_REMINDERS_QUEUE, REFERRAL_REMINDERS_JOB, HOURLY);
  }

  async run(now: Date = this.clock.now()): Promise<{ asOf: string; reminded: number; emails: number }> {
    const days = await this.settings.getInt('referrals.unanswered_reminder_days');
    const candidates = await this.db.getRepository(ReferralEntity).find({
      where: { status: 'sent', sentAt: LessThanOrEqual(dueBefore(days, now)) },
      select: { id: true },
    });
    let reminded = 0;
    let emails = 0;
    for (const { id } of candidates) {
      await this.db.transaction(async (m) => {
        const r = await m
          .getRepository(ReferralEntity)
          .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!r || !reminderDue(r, days, now)) return;
        // recorded in the same transaction as the e-mails: a second run sends nothing again
        await m
          .getRepository(ReferralEntity)
          .update({ id }, { remindedAt: now, version: () => 'version' } as object);
        emails += await this.referrals.notifyPartner(m, r, REFERRAL_REMINDER_TEMPLATE);
        reminded++;
      });
    }
    return { asOf: now.toISOString(), reminded, emails };
  }
}
