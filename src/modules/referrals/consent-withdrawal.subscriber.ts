import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntitySubscriberInterface, InsertEvent } from 'typeorm';
import { ReportConsentEntity } from '../intake/entities/report-consent.entity.js';
import { ReferralsService } from './referrals.service.js';

/**
 * Withdrawing the consent to share takes effect everywhere: whoever writes a `share` withdrawal to
 * the consent ledger (the reporter in the mailbox, a counsellor recording an oral withdrawal), every
 * open referral resting on that report is revoked in the same transaction. Stays correct when
 * MailboxService.changeConsent also calls ReferralsService.revokeForConsent (idempotent).
 */
@Injectable()
export class ConsentWithdrawalSubscriber implements EntitySubscriberInterface<ReportConsentEntity> {
  constructor(
    @InjectDataSource() db: DataSource,
    private readonly referrals: ReferralsService,
  ) {
    db.subscribers.push(this);
  }

  listenTo() {
    return ReportConsentEntity;
  }

  async afterInsert(event: InsertEvent<ReportConsentEntity>): Promise<void> {
    const row = event.entity as Partial<ReportConsentEntity> | undefined;
    if (!row || row.purpose !== 'share' || row.action !== 'withdraw' || !row.reportId) return;
    await this.referrals.revokeForConsent(event.manager, row.reportId, {
      actorType: row.recordedBy ? 'staff' : 'reporter',
      actorId: row.recordedBy ?? null,
    });
  }
}
