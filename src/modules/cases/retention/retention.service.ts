import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { StaffContext } from '../../../common/http/request-context.js';
import { AuditService, type AuditInput } from '../../audit/audit.service.js';
import { CryptoService } from '../../crypto/crypto.service.js';
import { berlinToday } from '../../intake/report-form.view.js';
import { IntakeService } from '../../intake/intake.service.js';
import { QueueService } from '../../queue/queue.service.js';
import { findSetting } from '../../settings/settings.registry.js';
import { SettingsService } from '../../settings/settings.service.js';
import { asSystem, withOrganisation } from '../case-access.js';
import { CaseEntryEntity } from '../entities/case-entry.entity.js';
import { CaseTaskEntity } from '../entities/case-task.entity.js';
import { CaseEntity } from '../entities/case.entity.js';
import { IncidentEntity } from '../entities/incident.entity.js';
import {
  DEFAULT_RETENTION_POLICY,
  isExpired,
  retentionDate,
  type RetentionPolicy,
} from './retention-date.js';
import { RetentionErrors } from './retention.errors.js';

export const RETENTION_QUEUE = 'maintenance';
export const RETENTION_JOB = 'retention';
/** daily at 02:30 (server time), after the night's backups have started */
export const RETENTION_SCHEDULE = '30 2 * * *';

export interface RetentionRunResult {
  today: string;
  retentionScheduled: number;
  casesErased: number;
  reportsErased: number;
  failed: number;
}

type Actor = Pick<AuditInput, 'actorType' | 'actorId' | 'organisationId'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_HOLD_REASON = 500;

/** Ids in a timeline entry's meta that name staff: not part of an export for the person concerned. */
const STAFF_META = new Set(['assignees', 'assigneeId']);

/**
 * Retention and erasure: the daily job that erases cases and reports past their retention date
 * (crypto-shredding plus removal of the ciphertext, keeping only the anonymous classification for
 * statistics), legal holds that stop it, erasure on request, and the subject access export.
 */
@Injectable()
export class RetentionService implements OnModuleInit {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly intake: IntakeService,
    private readonly queues: QueueService,
  ) {}

  onModuleInit(): void {
    this.queues.registerProcessor(RETENTION_QUEUE, RETENTION_JOB, async () => {
      const r = await this.run();
      // counts only: never an id or anything about a case in the log
      this.logger.log(
        `retention ${r.today}: ${r.casesErased} cases and ${r.reportsErased} reports erased, ${r.retentionScheduled} scheduled, ${r.failed} failed`,
      );
      if (r.failed > 0) throw new Error(`retention: ${r.failed} erasures failed; the next run retries them`);
    });
    this.queues.registerRepeatable(RETENTION_QUEUE, RETENTION_JOB, RETENTION_SCHEDULE);
  }

  /** A setting the lead may not have registered yet falls back to its documented default. */
  private async optionalInt(key: string, fallback: number): Promise<number> {
    return findSetting(key) ? this.settings.getInt(key) : fallback;
  }

  async policy(): Promise<RetentionPolicy> {
    const closedMonths = await this.optionalInt('retention.closed_case_months', 36);
    return {
      closedCaseYears: await this.optionalInt(
        'retention.closed_case_years',
        findSetting('retention.closed_case_months')
          ? Math.ceil(closedMonths / 12)
          : DEFAULT_RETENTION_POLICY.closedCaseYears,
      ),
      unconfirmedReportDays: await this.optionalInt(
        'retention.unconfirmed_report_days',
        DEFAULT_RETENTION_POLICY.unconfirmedReportDays,
      ),
      unprocessedReportMonths: await this.optionalInt(
        'retention.unprocessed_report_months',
        DEFAULT_RETENTION_POLICY.unprocessedReportMonths,
      ),
      spamDays: await this.optionalInt('retention.spam_days', DEFAULT_RETENTION_POLICY.spamDays),
    };
  }

  /** For CasesService.changeStatus: the retention date of a case closed at `closedAt`. */
  async retentionForClosedCase(closedAt: Date = new Date()): Promise<string> {
    return retentionDate(
      { kind: 'case', status: 'closed', closedOn: berlinToday(closedAt) },
      await this.policy(),
    )!;
  }

  // ---------------------------------------------------------------- the job

  /**
   * Schedules closed cases, then erases what has expired: each case and each report in its own
   * transaction, so one failure neither stops nor undoes the others (and the next run retries it).
   * Safe to run twice and concurrently: every erasure re-checks its row under a lock.
   */
  async run(now: Date = new Date()): Promise<RetentionRunResult> {
    const today = berlinToday(now);
    const policy = await this.policy();
    const result: RetentionRunResult = {
      today,
      retentionScheduled: 0,
      casesErased: 0,
      reportsErased: 0,
      failed: 0,
    };
    const system: Actor = { actorType: 'system', actorId: null, organisationId: null };

    result.retentionScheduled = await asSystem(this.db, async (m) => {
      // a reopened case is no longer counting down
      await m.query(
        `UPDATE case_file SET retention_until = NULL
          WHERE erased_at IS NULL AND status <> 'closed' AND retention_until IS NOT NULL`,
      );
      const closed = (await m.query(
        `SELECT id, closed_at FROM case_file
          WHERE erased_at IS NULL AND status = 'closed' AND retention_until IS NULL AND closed_at IS NOT NULL`,
      )) as { id: string; closed_at: Date }[];
      for (const c of closed) {
        const until = retentionDate(
          { kind: 'case', status: 'closed', closedOn: berlinToday(c.closed_at) },
          policy,
        );
        await m.query(`UPDATE case_file SET retention_until = $2 WHERE id = $1`, [c.id, until]);
      }
      return closed.length;
    });

    const expiredCases = await asSystem(
      this.db,
      (m) =>
        m.query(
          `SELECT id FROM case_file
            WHERE erased_at IS NULL AND legal_hold_reason IS NULL AND retention_until < $1
            ORDER BY retention_until, id`,
          [today],
        ) as Promise<{ id: string }[]>,
    );
    for (const { id } of expiredCases) {
      try {
        const erased = await asSystem(this.db, (m) =>
          this.eraseCase(m, id, system, { expiredBefore: today }),
        );
        if (erased) result.casesErased++;
      } catch (e) {
        result.failed++;
        this.logger.error(`retention: erasing a case failed: ${(e as Error).name}`);
      }
    }

    // reports that never became part of a case (a report in a case goes with the case)
    const reports = await asSystem(
      this.db,
      (m) =>
        m.query(
          `SELECT r.id, r.closure_reason, r.contact IS NOT NULL AS has_contact,
                  greatest(r.created_at, (SELECT max(msg.created_at) FROM report_message msg WHERE msg.report_id = r.id)) AS last_activity,
                  (SELECT max(a.occurred_at) FROM audit_event a
                    WHERE a.entity_type = 'report' AND a.entity_id = r.id::text
                      AND a.action IN ('report.close_spam', 'report.close_duplicate')) AS closed_at
             FROM report r
            WHERE r.erased_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM incident_report ir WHERE ir.report_id = r.id)`,
        ) as Promise<
          {
            id: string;
            closure_reason: string | null;
            has_contact: boolean;
            last_activity: Date;
            closed_at: Date | null;
          }[]
        >,
    );
    for (const r of reports) {
      const until = retentionDate(
        {
          kind: 'report',
          inCase: false,
          closureReason: r.closure_reason,
          hasContact: r.has_contact,
          lastActivityOn: berlinToday(r.last_activity),
          closedOn: r.closed_at ? berlinToday(r.closed_at) : null,
        },
        policy,
      );
      if (!isExpired(until, today)) continue;
      try {
        const erased = await asSystem(this.db, async (m) => {
          // re-checked under the transaction: it may have joined a case since the scan
          const linked = (await m.query(`SELECT 1 FROM incident_report WHERE report_id = $1`, [
            r.id,
          ])) as unknown[];
          if (linked.length) return false;
          return this.intake.eraseReport(m, r.id, system);
        });
        if (erased) result.reportsErased++;
      } catch (e) {
        result.failed++;
        this.logger.error(`retention: erasing a report failed: ${(e as Error).name}`);
      }
    }
    return result;
  }

  // ---------------------------------------------------------------- erasure

  /**
   * Erases one case in the caller's transaction: its reports (see IntakeService.eraseReport), the
   * timeline (notes, interventions, messages' traces), tasks and reminders, the free-text tags and
   * everything that is not classification; the incident date is cut to its month; the case's data
   * key is destroyed. The row stays as the anonymous statistical record. One `case.erased` entry.
   * Returns false (and changes nothing) when it is erased already, on legal hold, or — for the job —
   * no longer expired.
   */
  async eraseCase(
    m: EntityManager,
    caseId: string,
    actor: Actor,
    opts: { expiredBefore?: string } = {},
  ): Promise<boolean> {
    const rows = (await m.query(
      `SELECT id, organisation_id, data_key_id, erased_at, legal_hold_reason, retention_until::text AS retention_until
         FROM case_file WHERE id = $1 FOR UPDATE`,
      [caseId],
    )) as {
      id: string;
      organisation_id: string;
      data_key_id: string;
      erased_at: Date | null;
      legal_hold_reason: string | null;
      retention_until: string | null;
    }[];
    const c = rows[0];
    if (!c || c.erased_at || c.legal_hold_reason) return false;
    if (opts.expiredBefore !== undefined && !isExpired(c.retention_until, opts.expiredBefore)) return false;
    const links = (await m.query(
      `SELECT ir.report_id FROM incident_report ir JOIN incident i ON i.id = ir.incident_id WHERE i.case_id = $1`,
      [caseId],
    )) as { report_id: string }[];
    const reportActor: Actor = { ...actor, organisationId: actor.organisationId ?? c.organisation_id };
    for (const l of links) await this.intake.eraseReport(m, l.report_id, reportActor);
    await m.getRepository(CaseEntryEntity).delete({ caseId });
    await m.getRepository(CaseTaskEntity).delete({ caseId });
    await m.query(`DELETE FROM case_reminder WHERE case_id = $1`, [caseId]);
    await m.query(
      `UPDATE case_file SET
         tags = '{}', assignees = '{}', learned_on = NULL, legal_hold_reason = NULL, deadline_due = NULL,
         incident_date = date_trunc('month', incident_date)::date,
         when_kind = CASE WHEN when_kind = 'date' THEN 'month' ELSE when_kind END,
         erased_at = now(), version = version + 1
       WHERE id = $1`,
      [caseId],
    );
    await this.crypto.destroyDataKey(c.data_key_id, m);
    await this.audit.record(m, {
      ...reportActor,
      action: 'case.erased',
      entityType: 'case',
      entityId: caseId,
    });
    return true;
  }

  private actor(s: StaffContext): Actor {
    return { actorType: 'staff', actorId: s.userId, organisationId: s.organisationId };
  }

  /** Same contract as CasesService: other organisations' and erased cases are "not found", and the attempt is audited. */
  private async owned(m: EntityManager, s: StaffContext, caseId: string): Promise<CaseEntity> {
    const valid = UUID.test(caseId);
    const c = valid ? await m.getRepository(CaseEntity).findOneBy({ id: caseId }) : null;
    if (!c || c.organisationId !== s.organisationId || c.erasedAt) {
      await this.audit.recordNow({
        ...this.actor(s),
        action: 'case.read_denied',
        entityType: 'case',
        entityId: valid ? caseId : null,
      });
      throw RetentionErrors.notFound();
    }
    return c;
  }

  /** Erasure on request (e.g. the reporter asked for deletion in the mailbox); refused while on legal hold. */
  async eraseNow(s: StaffContext, caseId: string, opts: { confirmed?: boolean } = {}): Promise<void> {
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      if (opts.confirmed === false) throw RetentionErrors.confirmRequired();
      if (c.legalHoldReason) throw RetentionErrors.onLegalHold();
      await this.eraseCase(m, c.id, this.actor(s));
    });
  }

  /** Stops automatic erasure (litigation, an authority's request); the reason is kept on the case, not in the audit trail. */
  async setLegalHold(s: StaffContext, caseId: string, reason: unknown): Promise<void> {
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      const text = typeof reason === 'string' ? reason.trim() : '';
      if (!text || text.length > MAX_HOLD_REASON) throw RetentionErrors.reasonRequired();
      await m.query(`UPDATE case_file SET legal_hold_reason = $2, version = version + 1 WHERE id = $1`, [
        c.id,
        text,
      ]);
      await this.audit.record(m, {
        ...this.actor(s),
        action: c.legalHoldReason ? 'case.legal_hold_changed' : 'case.legal_hold',
        entityType: 'case',
        entityId: c.id,
      });
    });
  }

  async releaseLegalHold(s: StaffContext, caseId: string): Promise<void> {
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      if (!c.legalHoldReason) return;
      await m.query(`UPDATE case_file SET legal_hold_reason = NULL, version = version + 1 WHERE id = $1`, [
        c.id,
      ]);
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.legal_hold_released',
        entityType: 'case',
        entityId: c.id,
      });
    });
  }

  // ---------------------------------------------------------------- subject access

  /** Everything stored about one case (Art. 15 GDPR), decrypted; audited as `case.export` before it leaves. */
  async exportCase(s: StaffContext, caseId: string) {
    return withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      const incidents = await m
        .getRepository(IncidentEntity)
        .find({ where: { caseId: c.id }, order: { createdAt: 'ASC' } });
      const links = (await m.query(
        `SELECT ir.report_id, ir.incident_id FROM incident_report ir JOIN incident i ON i.id = ir.incident_id
          WHERE i.case_id = $1`,
        [c.id],
      )) as { report_id: string; incident_id: string }[];
      const reports = [];
      for (const l of links) {
        const r = await this.intake.reportForExport(m, l.report_id);
        if (!r) continue;
        reports.push({
          id: r.report.id,
          incidentId: l.incident_id,
          receivedAt: r.report.createdAt,
          channel: r.report.channel,
          reporterRole: r.report.reporterRole,
          preferredLanguage: r.report.preferredLanguage,
          whenKind: r.report.whenKind,
          incidentDate: r.report.incidentDate,
          district: r.report.district,
          grounds: r.report.grounds,
          lifeArea: r.report.lifeArea,
          supportWishes: r.report.supportWishes,
          statisticsOptOut: r.report.statisticsOptOut,
          deletionRequestedAt: r.report.deletionRequestedAt,
          account: {
            narrative: r.content.narrative,
            place: r.content.place,
            incidentApprox: r.content.incidentApprox,
            groundOther: r.content.groundOther,
          },
          contactChannel: r.report.contactChannel,
          contact: r.contact,
          consents: r.consents,
          messages: r.messages,
          attachments: r.attachments,
        });
      }
      reports.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
      const entries = (
        await m.getRepository(CaseEntryEntity).find({ where: { caseId: c.id }, order: { at: 'ASC' } })
      ).filter((e) => e.visibility === 'team');
      const body = async (e: CaseEntryEntity) =>
        e.body ? await this.crypto.decryptString(c.dataKeyId, e.body, m) : null;
      const notes = [];
      const interventions = [];
      const timeline = [];
      for (const e of entries) {
        const details = Object.fromEntries(Object.entries(e.meta).filter(([k]) => !STAFF_META.has(k)));
        timeline.push({ at: e.at, kind: e.kind, details });
        if (e.kind === 'note') notes.push({ at: e.at, body: await body(e) });
        if (e.kind === 'intervention') {
          const text = await body(e);
          const parsed = text ? (JSON.parse(text) as { description?: string; result?: string }) : {};
          interventions.push({
            at: e.at,
            type: e.meta.type ?? null,
            date: e.meta.date ?? null,
            description: parsed.description ?? '',
            result: parsed.result ?? '',
          });
        }
      }
      const tasks = await Promise.all(
        (
          await m.getRepository(CaseTaskEntity).find({ where: { caseId: c.id }, order: { dueDate: 'ASC' } })
        ).map(async (t) => ({
          title: await this.crypto.decryptString(c.dataKeyId, t.title, m),
          dueDate: t.dueDate,
          done: !!t.doneAt,
          doneAt: t.doneAt,
        })),
      );
      const auditRows = (await m.query(
        `SELECT occurred_at, actor_type, action, entity_type FROM audit_event
          WHERE (entity_type = 'case' AND entity_id = $1)
             OR (entity_type = 'report' AND entity_id = ANY($2::text[]))
          ORDER BY id`,
        [c.id, links.map((l) => l.report_id)],
      )) as { occurred_at: Date; actor_type: string; action: string; entity_type: string }[];
      // referral recipients: to whom the case was passed on, which fields, and what became of it
      const referralRows = (await m.query(
        `SELECT r.id, o.name AS recipient, r.service_type, r.status, r.shared_fields, r.summary, r.feedback,
                r.outcome, r.decline_reason, r.created_at, r.sent_at, r.accepted_at, r.declined_at,
                r.completed_at, r.revoked_at
           FROM referral r JOIN organisation o ON o.id = r.to_organisation_id
          WHERE r.case_id = $1 ORDER BY r.created_at`,
        [c.id],
      )) as {
        id: string;
        recipient: string;
        service_type: string;
        status: string;
        shared_fields: string[];
        summary: Buffer | null;
        feedback: Buffer | null;
        outcome: string | null;
        decline_reason: string | null;
        created_at: Date;
        sent_at: Date | null;
        accepted_at: Date | null;
        declined_at: Date | null;
        completed_at: Date | null;
        revoked_at: Date | null;
      }[];
      const referrals = [];
      for (const r of referralRows) {
        referrals.push({
          id: r.id,
          recipient: r.recipient,
          serviceType: r.service_type,
          status: r.status,
          sharedFields: r.shared_fields,
          summary: r.summary ? await this.crypto.decryptString(c.dataKeyId, r.summary, m) : null,
          feedback: r.feedback ? await this.crypto.decryptString(c.dataKeyId, r.feedback, m) : null,
          outcome: r.outcome,
          declineReason: r.decline_reason,
          createdAt: r.created_at,
          sentAt: r.sent_at,
          acceptedAt: r.accepted_at,
          declinedAt: r.declined_at,
          completedAt: r.completed_at,
          revokedAt: r.revoked_at,
        });
      }
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.export',
        entityType: 'case',
        entityId: c.id,
      });
      return {
        exportedAt: new Date(),
        case: {
          id: c.id,
          reference: c.reference,
          status: c.status,
          closureReason: c.closureReason,
          grounds: c.grounds,
          forms: c.forms,
          level: c.level,
          lifeArea: c.lifeArea,
          perpetratorType: c.perpetratorType,
          district: c.district,
          whenKind: c.whenKind,
          incidentDate: c.incidentDate,
          learnedOn: c.learnedOn,
          intersectional: c.intersectional,
          outcome: c.outcome,
          tags: c.tags,
          statisticsOptOut: c.statisticsOptOut,
          deadlineDue: c.deadlineDue,
          retentionUntil: c.retentionUntil,
          legalHold: !!c.legalHoldReason,
          createdAt: c.createdAt,
          closedAt: c.closedAt,
        },
        incidents: incidents.map((i) => ({
          id: i.id,
          createdAt: i.createdAt,
          reportIds: links.filter((l) => l.incident_id === i.id).map((l) => l.report_id),
        })),
        reports,
        notes,
        interventions,
        referrals,
        tasks,
        timeline,
        audit: auditRows.map((a) => ({
          at: a.occurred_at,
          actorType: a.actor_type,
          action: a.action,
          entityType: a.entity_type,
        })),
      };
    });
  }
}

export type CaseExport = Awaited<ReturnType<RetentionService['exportCase']>>;
