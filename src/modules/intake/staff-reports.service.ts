import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StaffContext } from '../../common/http/request-context.js';
import { AuditService } from '../audit/audit.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { ReportAttachmentEntity } from './entities/report-attachment.entity.js';
import { ReportMessageEntity } from './entities/report-message.entity.js';
import { ReportEntity } from './entities/report.entity.js';
import { IntakeErrors } from './intake.errors.js';
import type { ReportContent } from './intake.service.js';
import { MailboxService } from './mailbox.service.js';

export interface ReportSummary {
  id: string;
  createdAt: Date;
  channel: string;
  reporterRole: string;
  lifeArea: string;
  grounds: string[];
  district: string;
  status: string;
  deletionRequested: boolean;
}

/**
 * What counsellors see of reports received by their own organisation. Every other organisation's
 * report is "not found" (and the attempt audited); every read and download is audited before the
 * answer is sent.
 */
@Injectable()
export class StaffReportsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
    private readonly mailbox: MailboxService,
  ) {}

  async list(staff: StaffContext, limit = 50): Promise<ReportSummary[]> {
    const rows = await this.db.getRepository(ReportEntity).find({
      where: { receivingOrganisationId: staff.organisationId },
      order: { createdAt: 'DESC' },
      take: limit,
    });
    return rows
      .filter((r) => !r.erasedAt)
      .map((r) => ({
        id: r.id,
        createdAt: r.createdAt,
        channel: r.channel,
        reporterRole: r.reporterRole,
        lifeArea: r.lifeArea,
        grounds: r.grounds,
        district: r.district,
        status: r.status,
        deletionRequested: !!r.deletionRequestedAt,
      }));
  }

  private async owned(staff: StaffContext, reportId: string): Promise<ReportEntity> {
    const report = await this.db.getRepository(ReportEntity).findOneBy({ id: reportId });
    if (!report || report.receivingOrganisationId !== staff.organisationId || report.erasedAt) {
      await this.audit.recordNow({
        actorType: 'staff',
        actorId: staff.userId,
        organisationId: staff.organisationId,
        action: 'report.read_denied',
        entityType: 'report',
        entityId: reportId,
      });
      throw IntakeErrors.notFound();
    }
    return report;
  }

  async detail(staff: StaffContext, reportId: string) {
    const report = await this.owned(staff, reportId);
    const content = JSON.parse(
      await this.crypto.decryptString(report.dataKeyId, report.content),
    ) as ReportContent;
    const contact = report.contact
      ? (JSON.parse(await this.crypto.decryptString(report.dataKeyId, report.contact)) as Record<
          string,
          string
        >)
      : null;
    const messages = await this.db
      .getRepository(ReportMessageEntity)
      .find({ where: { reportId }, order: { createdAt: 'ASC' } });
    const attachments = await this.db.getRepository(ReportAttachmentEntity).find({
      where: { reportId },
      select: { id: true, kind: true, mime: true, size: true, messageId: true, createdAt: true },
      order: { createdAt: 'ASC' },
    });
    const consents = await this.mailbox.consentState(reportId);
    await this.audit.recordNow({
      actorType: 'staff',
      actorId: staff.userId,
      organisationId: staff.organisationId,
      action: 'report.read',
      entityType: 'report',
      entityId: reportId,
    });
    return {
      report,
      content,
      contact,
      consents: Object.fromEntries(consents),
      messages: await Promise.all(
        messages.map(async (m) => ({
          id: m.id,
          fromStaff: m.direction === 'to_reporter',
          body: await this.crypto.decryptString(report.dataKeyId, m.body),
          createdAt: m.createdAt,
        })),
      ),
      attachments,
    };
  }

  async attachment(
    staff: StaffContext,
    reportId: string,
    attachmentId: string,
  ): Promise<{ data: Buffer; mime: string; kind: string }> {
    const report = await this.owned(staff, reportId);
    const file = await this.db
      .getRepository(ReportAttachmentEntity)
      .findOneBy({ id: attachmentId, reportId });
    if (!file) throw IntakeErrors.notFound();
    const data = await this.crypto.decrypt(report.dataKeyId, file.data);
    await this.audit.recordNow({
      actorType: 'staff',
      actorId: staff.userId,
      organisationId: staff.organisationId,
      action: 'report.attachment_download',
      entityType: 'report_attachment',
      entityId: file.id,
    });
    return { data, mime: file.mime, kind: file.kind };
  }

  /** A counsellor's message to the reporter, read in the mailbox. */
  async writeToReporter(staff: StaffContext, reportId: string, body: string): Promise<void> {
    const report = await this.owned(staff, reportId);
    await this.db.transaction(async (m) => {
      await m.getRepository(ReportMessageEntity).insert({
        reportId,
        direction: 'to_reporter',
        authorId: staff.userId,
        body: await this.crypto.encrypt(report.dataKeyId, body, m),
        readAt: null,
      });
      await this.audit.record(m, {
        actorType: 'staff',
        actorId: staff.userId,
        organisationId: staff.organisationId,
        action: 'report.message_to_reporter',
        entityType: 'report',
        entityId: reportId,
      });
    });
  }
}
