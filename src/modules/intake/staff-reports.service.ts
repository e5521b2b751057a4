import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { StaffContext } from '../../common/http/request-context.js';
import { AuditService } from '../audit/audit.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { ReportAttachmentEntity } from './entities/report-attachment.entity.js';
import { ReportMessageEntity } from './entities/report-message.entity.js';
import { ReportEntity, type ReportStatus } from './entities/report.entity.js';
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

  /** The inbox: reports of the organisation nobody has taken up yet (not in a case, not closed). */
  async inbox(staff: StaffContext, limit = 100): Promise<ReportSummary[]> {
    const rows = await this.db.getRepository(ReportEntity).find({
      where: { receivingOrganisationId: staff.organisationId, status: 'new' },
      order: { createdAt: 'ASC' },
      take: limit,
    });
    return rows.filter((r) => !r.erasedAt && !r.closureReason).map((r) => this.summary(r));
  }

  private summary(r: ReportEntity): ReportSummary {
    return {
      id: r.id,
      createdAt: r.createdAt,
      channel: r.channel,
      reporterRole: r.reporterRole,
      lifeArea: r.lifeArea,
      grounds: r.grounds,
      district: r.district,
      status: r.status,
      deletionRequested: !!r.deletionRequestedAt,
    };
  }

  /** The report as the cases module needs it (own organisation only; not found otherwise). */
  async forCase(
    staff: StaffContext,
    reportId: string,
    manager?: EntityManager,
  ): Promise<{ report: ReportEntity; content: ReportContent }> {
    const report = await this.owned(staff, reportId, manager);
    const content = JSON.parse(
      await this.crypto.decryptString(report.dataKeyId, report.content),
    ) as ReportContent;
    return { report, content };
  }

  /** The reporter's account of several reports, decrypted, for the case file (read audited by the caller). */
  async accounts(reportIds: string[]): Promise<
    {
      report: ReportEntity;
      content: ReportContent;
      messages: { fromStaff: boolean; body: string; createdAt: Date }[];
    }[]
  > {
    if (reportIds.length === 0) return [];
    const reports = await this.db.getRepository(ReportEntity).findBy({ id: In(reportIds) });
    return Promise.all(
      reports
        .filter((r) => !r.erasedAt)
        .map(async (report) => {
          const messages = await this.db
            .getRepository(ReportMessageEntity)
            .find({ where: { reportId: report.id }, order: { createdAt: 'ASC' } });
          return {
            report,
            content: JSON.parse(
              await this.crypto.decryptString(report.dataKeyId, report.content),
            ) as ReportContent,
            messages: await Promise.all(
              messages.map(async (m) => ({
                fromStaff: m.direction === 'to_reporter',
                body: await this.crypto.decryptString(report.dataKeyId, m.body),
                createdAt: m.createdAt,
              })),
            ),
          };
        }),
    );
  }

  async setStatus(
    m: EntityManager,
    reportId: string,
    status: ReportStatus,
    closureReason: string | null = null,
  ): Promise<void> {
    await m.getRepository(ReportEntity).update({ id: reportId }, { status, closureReason });
  }

  /** Moves a report to another organisation's inbox (the caller has checked the consent to share). */
  async moveTo(m: EntityManager, reportId: string, organisationId: string): Promise<void> {
    await m
      .getRepository(ReportEntity)
      .update({ id: reportId }, { receivingOrganisationId: organisationId, status: 'new' });
  }

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

  private async owned(staff: StaffContext, reportId: string, manager?: EntityManager): Promise<ReportEntity> {
    const report = await (manager ?? this.db.manager).getRepository(ReportEntity).findOneBy({ id: reportId });
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
  async writeToReporter(
    staff: StaffContext,
    reportId: string,
    body: string,
    manager?: EntityManager,
  ): Promise<void> {
    const report = await this.owned(staff, reportId, manager);
    const run = async (m: EntityManager) => {
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
    };
    await (manager ? run(manager) : this.db.transaction(run));
  }
}
