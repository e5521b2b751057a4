import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LessThan, type DataSource } from 'typeorm';
import type { ConsentPurpose } from '../../common/domain/vocabulary.js';
import { AuditService } from '../audit/audit.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import type { AcceptedAttachment } from './attachments/attachment.types.js';
import { ClientThrottle } from './client-throttle.js';
import { MailboxSessionEntity } from './entities/mailbox-session.entity.js';
import { ReportAttachmentEntity } from './entities/report-attachment.entity.js';
import { ReportConsentEntity } from './entities/report-consent.entity.js';
import { ReportMessageEntity } from './entities/report-message.entity.js';
import { ReportEntity, type ReportStatus } from './entities/report.entity.js';
import { InstallationSecretsService } from './installation-secrets.service.js';
import { IntakeErrors } from './intake.errors.js';
import { IntakeService, sha256 } from './intake.service.js';
import { hashReceipt } from './receipts.js';
import { normaliseReceipt } from './report-validation.js';

export const MAILBOX_IDLE_MS = 20 * 60_000;

/** How the reporter sees the state: never internal states or notes. */
export type PublicStatus = 'received' | 'in_review' | 'in_counselling' | 'closed';
export function publicStatus(status: ReportStatus | string): PublicStatus {
  switch (status) {
    case 'new':
      return 'received';
    case 'triage':
      return 'in_review';
    case 'closed':
      return 'closed';
    default:
      return 'in_counselling';
  }
}

export interface MailboxView {
  status: PublicStatus;
  receivedOn: Date;
  deletionRequested: boolean;
  messages: { id: string; fromStaff: boolean; body: string; createdAt: Date; attachments: number }[];
  consents: { purpose: ConsentPurpose; active: boolean; withdrawable: boolean }[];
  statisticsOptedOut: boolean;
}

export interface MailboxSession {
  reportId: string;
  tokenHash: string;
  csrfToken: string;
}

/** What a reporter can do with only the receipt code. Everything here is audited without the receipt. */
@Injectable()
export class MailboxService {
  /** 10 wrong receipts per client per 15 minutes; 500 per 15 minutes for everyone together */
  private readonly throttle = new ClientThrottle({ perClient: 10, global: 500, windowMs: 15 * 60_000 });

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
    private readonly secrets: InstallationSecretsService,
    private readonly intake: IntakeService,
  ) {}

  /**
   * Opens a mailbox session. The same answer and a comparable time (one argon2id hash) whether or
   * not a receipt exists; wrong receipts are throttled per client and globally, in memory only.
   */
  async login(
    receiptInput: unknown,
    clientAddress: string,
  ): Promise<{ token: string; session: MailboxSession }> {
    const clientKey = ClientThrottle.keyOf(clientAddress);
    if (this.throttle.blocked(clientKey)) throw IntakeErrors.throttled();
    const receipt = normaliseReceipt(receiptInput);
    const hash = await hashReceipt(receipt ?? 'not-a-receipt', await this.secrets.get('receipt_salt'));
    if (!receipt) {
      this.throttle.fail(clientKey);
      throw IntakeErrors.receiptFormat();
    }
    const report = await this.db.getRepository(ReportEntity).findOneBy({ receiptHash: hash });
    if (!report || report.erasedAt) {
      this.throttle.fail(clientKey);
      await this.audit.recordNow({ actorType: 'reporter', action: 'mailbox.login_failed' });
      throw IntakeErrors.receiptInvalid();
    }
    const token = randomBytes(32).toString('base64url');
    const session: MailboxSession = {
      reportId: report.id,
      tokenHash: sha256(token),
      csrfToken: randomBytes(32).toString('base64url'),
    };
    await this.db.transaction(async (m) => {
      await m.getRepository(MailboxSessionEntity).insert({ ...session, lastSeenAt: new Date() });
      await this.audit.record(m, {
        actorType: 'reporter',
        action: 'mailbox.login',
        entityType: 'report',
        entityId: report.id,
      });
    });
    return { token, session };
  }

  async resolve(token: string | undefined): Promise<MailboxSession | null> {
    if (!token || token.length > 100) return null;
    const repo = this.db.getRepository(MailboxSessionEntity);
    const s = await repo.findOneBy({ tokenHash: sha256(token) });
    if (!s) return null;
    if (Date.now() - s.lastSeenAt.getTime() > MAILBOX_IDLE_MS) {
      await repo.delete({ tokenHash: s.tokenHash });
      return null;
    }
    if (Date.now() - s.lastSeenAt.getTime() > 30_000)
      await repo.update({ tokenHash: s.tokenHash }, { lastSeenAt: new Date() });
    return { reportId: s.reportId, tokenHash: s.tokenHash, csrfToken: s.csrfToken };
  }

  async logout(session: MailboxSession): Promise<void> {
    await this.db.getRepository(MailboxSessionEntity).delete({ tokenHash: session.tokenHash });
  }

  async purgeSessions(): Promise<number> {
    const r = await this.db
      .getRepository(MailboxSessionEntity)
      .delete({ lastSeenAt: LessThan(new Date(Date.now() - MAILBOX_IDLE_MS)) });
    return r.affected ?? 0;
  }

  private async report(reportId: string): Promise<ReportEntity> {
    const report = await this.db.getRepository(ReportEntity).findOneBy({ id: reportId });
    if (!report || report.erasedAt) throw IntakeErrors.sessionExpired();
    return report;
  }

  async consentState(reportId: string): Promise<Map<ConsentPurpose, boolean>> {
    const rows = await this.db
      .getRepository(ReportConsentEntity)
      .find({ where: { reportId }, order: { id: 'ASC' } });
    const state = new Map<ConsentPurpose, boolean>();
    for (const r of rows) state.set(r.purpose, r.action === 'grant');
    return state;
  }

  async view(session: MailboxSession): Promise<MailboxView> {
    const report = await this.report(session.reportId);
    const messages = await this.db
      .getRepository(ReportMessageEntity)
      .find({ where: { reportId: report.id }, order: { createdAt: 'ASC' } });
    const attachments = await this.db.getRepository(ReportAttachmentEntity).find({
      where: { reportId: report.id },
      select: { id: true, messageId: true },
    });
    const consents = await this.consentState(report.id);
    const view: MailboxView = {
      status: publicStatus(report.status),
      receivedOn: report.createdAt,
      deletionRequested: !!report.deletionRequestedAt,
      messages: await Promise.all(
        messages.map(async (msg) => ({
          id: msg.id,
          fromStaff: msg.direction === 'to_reporter',
          body: await this.crypto.decryptString(report.dataKeyId, msg.body),
          createdAt: msg.createdAt,
          attachments: attachments.filter((a) => a.messageId === msg.id).length,
        })),
      ),
      consents: (['store', 'contact', 'share'] as const).map((purpose) => ({
        purpose,
        active: consents.get(purpose) === true,
        withdrawable: purpose !== 'store' && consents.get(purpose) === true,
      })),
      statisticsOptedOut: report.statisticsOptOut,
    };
    // a reporter reading the conversation is a read of personal data: audited before the answer
    await this.db.transaction(async (m) => {
      await m
        .getRepository(ReportMessageEntity)
        .createQueryBuilder()
        .update()
        .set({ readAt: () => 'now()' })
        .where("report_id = :id AND direction = 'to_reporter' AND read_at IS NULL", { id: report.id })
        .execute();
      await this.audit.record(m, {
        actorType: 'reporter',
        action: 'mailbox.read',
        entityType: 'report',
        entityId: report.id,
      });
    });
    return view;
  }

  /** A reply or addition, with optional files; the counsellors are told (without content). */
  async addMessage(session: MailboxSession, body: string, files: AcceptedAttachment[]): Promise<void> {
    const report = await this.report(session.reportId);
    await this.db.transaction(async (m) => {
      const message = m.getRepository(ReportMessageEntity).create({
        reportId: report.id,
        direction: 'from_reporter',
        authorId: null,
        body: await this.crypto.encrypt(report.dataKeyId, body, m),
        readAt: null,
      });
      await m.getRepository(ReportMessageEntity).insert(message);
      await this.intake.storeAttachments(m, report.id, report.dataKeyId, files, message.id);
      await this.audit.record(m, {
        actorType: 'reporter',
        action: 'mailbox.message',
        entityType: 'report',
        entityId: report.id,
      });
      await this.intake.notifyCounsellors(m, report.receivingOrganisationId, 'mailbox-message');
    });
  }

  /**
   * Withdrawing takes effect at once. Withdrawing contact also erases the contact details (they are
   * no longer needed); the statistics opt-out is a grant ("don't count me").
   */
  async changeConsent(
    session: MailboxSession,
    purpose: ConsentPurpose,
    action: 'grant' | 'withdraw',
  ): Promise<void> {
    const allowed =
      (action === 'withdraw' && (purpose === 'contact' || purpose === 'share')) ||
      (action === 'grant' && purpose === 'statistics_opt_out');
    if (!allowed) throw IntakeErrors.notFound();
    const report = await this.report(session.reportId);
    await this.db.transaction(async (m) => {
      await m
        .getRepository(ReportConsentEntity)
        .insert({ reportId: report.id, purpose, action, form: 'online', recordedBy: null });
      if (purpose === 'contact')
        await m
          .getRepository(ReportEntity)
          .update({ id: report.id }, { contact: null, contactChannel: 'none' });
      if (purpose === 'statistics_opt_out')
        await m.getRepository(ReportEntity).update({ id: report.id }, { statisticsOptOut: true });
      await this.audit.record(m, {
        actorType: 'reporter',
        action: `consent.${action}.${purpose}`,
        entityType: 'report',
        entityId: report.id,
      });
    });
  }

  async requestDeletion(session: MailboxSession): Promise<void> {
    const report = await this.report(session.reportId);
    if (report.deletionRequestedAt) return;
    await this.db.transaction(async (m) => {
      await m.getRepository(ReportEntity).update({ id: report.id }, { deletionRequestedAt: new Date() });
      await this.audit.record(m, {
        actorType: 'reporter',
        action: 'report.deletion_requested',
        entityType: 'report',
        entityId: report.id,
      });
      await this.intake.notifyCounsellors(m, report.receivingOrganisationId, 'deletion-request');
    });
  }
}
