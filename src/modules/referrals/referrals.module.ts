import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { CryptoModule } from '../crypto/crypto.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { ConsentWithdrawalSubscriber } from './consent-withdrawal.subscriber.js';
import { PartnerProfileEntity } from './entities/partner-profile.entity.js';
import { ReferralEntity } from './entities/referral.entity.js';
import { PartnersService } from './partners.service.js';
import { ReferralRemindersService } from './referral-reminders.service.js';
import {
  PartnerReferralsApiController,
  PartnersApiController,
  ReferralsApiController,
} from './referrals-api.controller.js';
import { ReferralsDemoSeeder } from './referrals-demo.seeder.js';
import { ReferralsPagesController } from './referrals-pages.controller.js';
import { CLOCK, systemClock } from './referrals.constants.js';
import { ReferralsService } from './referrals.service.js';

/**
 * Referrals: the partner directory (public /help), referrals from a case to a partner with only the
 * fields the reporter agreed to share, the partners' side, reminders, figures. A withdrawn consent to
 * share revokes open referrals in the same transaction (ConsentWithdrawalSubscriber).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([PartnerProfileEntity, ReferralEntity]),
    CryptoModule,
    AuditModule,
    OutboxModule,
    NotificationsModule,
    SettingsModule,
    IntakeModule,
    CasesModule,
  ],
  controllers: [
    ReferralsApiController,
    PartnerReferralsApiController,
    PartnersApiController,
    ReferralsPagesController,
  ],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    PartnersService,
    ReferralsService,
    ReferralRemindersService,
    ConsentWithdrawalSubscriber,
    ReferralsDemoSeeder,
  ],
  exports: [ReferralsService, PartnersService, ReferralsDemoSeeder],
})
export class ReferralsModule {}
