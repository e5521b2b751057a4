import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  FORMS,
  GROUNDS,
  INTERVENTION_TYPES,
  LEVELS,
  LIFE_AREAS,
  OUTCOMES,
  PERPETRATOR_TYPES,
  SPECIAL_PLACES,
} from '../../common/domain/vocabulary.js';
import type { FieldError } from '../../common/errors/domain-error.js';
import type { StaffContext } from '../../common/http/request-context.js';
import { AuditService } from '../audit/audit.service.js';
import { StaffService } from '../auth/staff.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { MailboxService } from '../intake/mailbox.service.js';
import { StaffReportsService } from '../intake/staff-reports.service.js';
import { IntakeService } from '../intake/intake.service.js';
import { berlinToday } from '../intake/report-form.view.js';
import { SettingsService } from '../settings/settings.service.js';
import { withOrganisation } from './case-access.js';
import { allowedNext, canTransition, reportStatusFor } from './case-status.js';
import { CaseErrors } from './cases.errors.js';
import { computeDeadline, type DeadlineResult } from './deadlines/index.js';
import { CaseEntryEntity, type EntryKind } from './entities/case-entry.entity.js';
import { CaseTaskEntity } from './entities/case-task.entity.js';
import { CaseEntity, CLOSURE_REASONS, type CaseStatus, type ClosureReason } from './entities/case.entity.js';
import { IncidentReportEntity } from './entities/incident-report.entity.js';
import { IncidentEntity } from './entities/incident.entity.js';
import { ReportConsentEntity } from '../intake/entities/report-consent.entity.js';

export interface AssessmentInput {
  grounds?: string[];
  forms?: string[];
  level?: string | null;
  lifeArea?: string | null;
  perpetratorType?: string | null;
  district?: string | null;
  whenKind?: string;
  incidentDate?: string | null;
  learnedOn?: string | null;
  intersectional?: boolean;
  outcome?: string | null;
  tags?: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks an assessment against the vocabulary; returns field errors (codes only, DOMAIN.md). */
export function checkAssessment(a: AssessmentInput, districtCodes: string[]): FieldError[] {
  const errs: FieldError[] = [];
  const bad = (field: string) => errs.push({ field, messageKey: 'validation.isIn' });
  const inList = (v: unknown, list: readonly string[]) => typeof v === 'string' && list.includes(v);
  if (a.grounds && !a.grounds.every((g) => inList(g, GROUNDS))) bad('grounds');
  if (a.forms && !a.forms.every((f) => inList(f, FORMS))) bad('forms');
  if (a.level != null && !inList(a.level, LEVELS)) bad('level');
  if (a.lifeArea != null && !inList(a.lifeArea, LIFE_AREAS)) bad('lifeArea');
  if (a.perpetratorType != null && !inList(a.perpetratorType, PERPETRATOR_TYPES)) bad('perpetratorType');
  if (a.district != null && !inList(a.district, [...districtCodes, ...SPECIAL_PLACES])) bad('district');
  if (a.whenKind !== undefined && !inList(a.whenKind, ['date', 'month', 'approximate', 'ongoing']))
    bad('whenKind');
  if (a.incidentDate != null && !DATE.test(a.incidentDate))
    errs.push({ field: 'incidentDate', messageKey: 'intake.errors.date_invalid' });
  if (a.learnedOn != null && !DATE.test(a.learnedOn))
    errs.push({ field: 'learnedOn', messageKey: 'intake.errors.date_invalid' });
  if (a.outcome != null && !inList(a.outcome, OUTCOMES)) bad('outcome');
  if (a.tags && !a.tags.every((t) => typeof t === 'string' && /^[\p{L}\p{N}_-]{1,40}$/u.test(t))) bad('tags');
  return errs;
}

/**
 * The case file: opening cases from reports, grouping reports into incidents and incidents into
 * cases, the state machine, the assessment, notes, interventions, tasks and the conversation. Every
 * method checks the caller's organisation itself (other organisations' cases are "not found") and
 * runs under row-level security for that organisation; reads are audited before they are returned.
 */
@Injectable()
export class CasesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly staff: StaffService,
    private readonly reports: StaffReportsService,
    private readonly mailbox: MailboxService,
    private readonly intake: IntakeService,
  ) {}

  private actor(s: StaffContext) {
    return { actorType: 'staff' as const, actorId: s.userId, organisationId: s.organisationId };
  }

  async deadlineOf(
    c: Pick<CaseEntity, 'lifeArea' | 'whenKind' | 'incidentDate' | 'learnedOn'>,
  ): Promise<DeadlineResult> {
    return computeDeadline({
      lifeArea: c.lifeArea ?? 'other',
      whenKind: c.whenKind as 'date' | 'month' | 'approximate' | 'ongoing',
      startDate: c.incidentDate,
      learnedOn: c.learnedOn,
      periods: {
        employment: await this.settings.getInt('deadlines.employment_months'),
        goods_services: await this.settings.getInt('deadlines.goods_services_months'),
        housing: await this.settings.getInt('deadlines.housing_months'),
      },
      region: await this.settings.get<string>('deadlines.holiday_region'),
      today: berlinToday(),
    });
  }

  private async owned(
    m: EntityManager,
    s: StaffContext,
    caseId: string,
    action = 'case.read_denied',
  ): Promise<CaseEntity> {
    const c = /^[0-9a-f-]{36}$/i.test(caseId)
      ? await m.getRepository(CaseEntity).findOneBy({ id: caseId })
      : null;
    if (!c || c.organisationId !== s.organisationId || c.erasedAt) {
      await this.audit.recordNow({
        ...this.actor(s),
        action,
        entityType: 'case',
        entityId: /^[0-9a-f-]{36}$/i.test(caseId) ? caseId : null,
      });
      throw CaseErrors.notFound();
    }
    return c;
  }

  private async entry(
    m: EntityManager,
    c: CaseEntity,
    s: StaffContext,
    kind: EntryKind,
    meta: CaseEntryEntity['meta'],
    body?: string,
    visibility: 'team' | 'personal' = 'team',
  ) {
    await m.getRepository(CaseEntryEntity).insert({
      caseId: c.id,
      organisationId: c.organisationId,
      kind,
      authorId: s.userId,
      visibility,
      meta,
      body: body === undefined ? null : await this.crypto.encrypt(c.dataKeyId, body, m),
    });
  }

  /** Marks activity (work lists sort by it) and counts the first response. */
  private async touch(m: EntityManager, c: CaseEntity): Promise<void> {
    await m
      .createQueryBuilder()
      .update(CaseEntity)
      .set({ lastActivityAt: () => 'now()', firstResponseAt: () => 'coalesce(first_response_at, now())' })
      .where('id = :id', { id: c.id })
      .execute();
  }

  private async nextReference(m: EntityManager, organisationId: string): Promise<string> {
    const year = Number(berlinToday().slice(0, 4));
    const rows: { last_seq: number }[] = await m.query(
      `INSERT INTO case_counter (organisation_id, year, last_seq) VALUES ($1, $2, 1)
       ON CONFLICT (organisation_id, year) DO UPDATE SET last_seq = case_counter.last_seq + 1
       RETURNING last_seq`,
      [organisationId, year],
    );
    const org = await this.staff.findOrganisation(organisationId, m);
    return `${org?.code ?? 'ORG'}-${year}-${String(rows[0].last_seq).padStart(4, '0')}`;
  }

  // ---------------------------------------------------------------- inbox

  async inbox(s: StaffContext) {
    return this.reports.inbox(s);
  }

  /** Opens a case from a report in the inbox: one incident, this report, the reporter's classification as the starting assessment. */
  async openFromReport(s: StaffContext, reportId: string): Promise<CaseEntity> {
    return withOrganisation(this.db, s.organisationId, async (m) => {
      const { report } = await this.reports.forCase(s, reportId, m);
      if (report.status !== 'new' || report.closureReason) throw CaseErrors.reportNotInInbox();
      const dataKeyId = await this.crypto.createDataKey(m);
      const c = m.getRepository(CaseEntity).create({
        organisationId: s.organisationId,
        reference: await this.nextReference(m, s.organisationId),
        status: 'triage',
        closureReason: null,
        assignees: [s.userId],
        dataKeyId,
        grounds: report.grounds.filter((g) => g !== 'unknown'),
        forms: [],
        level: null,
        lifeArea: report.lifeArea,
        perpetratorType: null,
        district: report.district,
        whenKind: report.whenKind,
        incidentDate: report.incidentDate,
        learnedOn: null,
        intersectional: false,
        outcome: null,
        tags: [],
        statisticsOptOut: report.statisticsOptOut,
        legalHoldReason: null,
        lastActivityAt: new Date(),
        firstResponseAt: new Date(),
        closedAt: null,
        erasedAt: null,
        retentionUntil: null,
      });
      const deadline = await this.deadlineOf(c);
      c.deadlineDue = deadline.kind === 'date' ? deadline.due : null;
      await m.getRepository(CaseEntity).save(c);
      const incident = m
        .getRepository(IncidentEntity)
        .create({ organisationId: s.organisationId, caseId: c.id });
      await m.getRepository(IncidentEntity).save(incident);
      await m
        .getRepository(IncidentReportEntity)
        .insert({ reportId, incidentId: incident.id, organisationId: s.organisationId });
      await this.reports.setStatus(m, reportId, reportStatusFor('triage'));
      await this.entry(m, c, s, 'report', { reportId, incidentId: incident.id });
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.open',
        entityType: 'case',
        entityId: c.id,
      });
      return c;
    });
  }

  /** Adds a report to an existing case: to one of its incidents (another account of the same event) or as a new incident. */
  async addReportToCase(
    s: StaffContext,
    reportId: string,
    caseId: string,
    incidentId: string | 'new',
  ): Promise<void> {
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      const { report } = await this.reports.forCase(s, reportId, m);
      if (report.status !== 'new' || report.closureReason) throw CaseErrors.reportNotInInbox();
      let target: string;
      if (incidentId === 'new') {
        const incident = m
          .getRepository(IncidentEntity)
          .create({ organisationId: s.organisationId, caseId: c.id });
        await m.getRepository(IncidentEntity).save(incident);
        target = incident.id;
      } else {
        const incident = await m.getRepository(IncidentEntity).findOneBy({ id: incidentId, caseId: c.id });
        if (!incident) throw CaseErrors.notFound();
        target = incident.id;
      }
      await m
        .getRepository(IncidentReportEntity)
        .insert({ reportId, incidentId: target, organisationId: s.organisationId });
      await this.reports.setStatus(m, reportId, reportStatusFor(c.status));
      if (report.statisticsOptOut && !c.statisticsOptOut)
        await m.getRepository(CaseEntity).update({ id: c.id }, { statisticsOptOut: true });
      await this.entry(m, c, s, 'report', { reportId, incidentId: target });
      await this.touch(m, c);
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.add_report',
        entityType: 'case',
        entityId: c.id,
      });
    });
  }

  /** Closes a report in the inbox as duplicate or spam: never counted in statistics. */
  async closeReport(s: StaffContext, reportId: string, reason: 'duplicate' | 'spam'): Promise<void> {
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const { report } = await this.reports.forCase(s, reportId, m);
      if (report.status !== 'new') throw CaseErrors.reportNotInInbox();
      await this.reports.setStatus(m, reportId, 'closed', reason);
      await this.audit.record(m, {
        ...this.actor(s),
        action: `report.close_${reason}`,
        entityType: 'report',
        entityId: reportId,
      });
    });
  }

  /** Transfers a report to another organisation's inbox — only with the reporter's consent to share. */
  async transferReport(s: StaffContext, reportId: string, organisationCode: string): Promise<void> {
    const target = await this.staff.findOrganisationByCode(organisationCode);
    if (!target || target.disabledAt || target.id === s.organisationId)
      throw CaseErrors.validation([
        { field: 'organisation', messageKey: 'cases.errors.unknown_organisation' },
      ]);
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const { report } = await this.reports.forCase(s, reportId, m);
      if (report.status !== 'new') throw CaseErrors.reportNotInInbox();
      const consents = await this.mailbox.consentState(reportId);
      if (consents.get('share') !== true) throw CaseErrors.noShareConsent();
      await this.reports.moveTo(m, reportId, target.id);
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'report.transfer',
        entityType: 'report',
        entityId: reportId,
      });
      await this.intake.notifyCounsellors(m, target.id, 'new-report');
    });
  }

  // ---------------------------------------------------------------- the case file

  async get(s: StaffContext, caseId: string) {
    return withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      const incidents = await m
        .getRepository(IncidentEntity)
        .find({ where: { caseId: c.id }, order: { createdAt: 'ASC' } });
      const links = incidents.length
        ? await m.getRepository(IncidentReportEntity).findBy({ incidentId: In(incidents.map((i) => i.id)) })
        : [];
      const entries = await m
        .getRepository(CaseEntryEntity)
        .find({ where: { caseId: c.id }, order: { at: 'DESC' } });
      const tasks = await m
        .getRepository(CaseTaskEntity)
        .find({ where: { caseId: c.id }, order: { dueDate: 'ASC' } });
      const accounts = await this.reports.accounts(links.map((l) => l.reportId));
      const visible = entries.filter((e) => e.visibility === 'team' || e.authorId === s.userId);
      const timeline = await Promise.all(
        visible.map(async (e) => ({
          id: e.id,
          kind: e.kind,
          at: e.at,
          authorId: e.authorId,
          visibility: e.visibility,
          meta: e.meta,
          body: e.body ? await this.crypto.decryptString(c.dataKeyId, e.body) : null,
        })),
      );
      const taskViews = await Promise.all(
        tasks.map(async (t) => ({
          id: t.id,
          title: await this.crypto.decryptString(c.dataKeyId, t.title),
          dueDate: t.dueDate,
          assigneeId: t.assigneeId,
          done: !!t.doneAt,
          overdue: !t.doneAt && t.dueDate < berlinToday(),
        })),
      );
      // a read of a case is audited synchronously, before the answer leaves
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.read',
        entityType: 'case',
        entityId: c.id,
      });
      return {
        case: c,
        deadline: await this.deadlineOf(c),
        allowedNext: allowedNext(c.status),
        incidents: incidents.map((i) => ({
          id: i.id,
          reportIds: links.filter((l) => l.incidentId === i.id).map((l) => l.reportId),
        })),
        accounts,
        timeline,
        tasks: taskViews,
      };
    });
  }

  async changeStatus(
    s: StaffContext,
    caseId: string,
    to: CaseStatus,
    closureReason: string | undefined,
    version: number,
  ): Promise<CaseEntity> {
    return withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      if (!canTransition(c.status, to))
        throw CaseErrors.invalidTransition(c.status, to, allowedNext(c.status));
      if (to === 'closed' && !(CLOSURE_REASONS as readonly string[]).includes(closureReason ?? ''))
        throw CaseErrors.closureReasonRequired();
      const patch: Partial<CaseEntity> = {
        status: to,
        closureReason: to === 'closed' ? (closureReason as ClosureReason) : null,
        closedAt: to === 'closed' ? new Date() : to === 'reopened' ? null : c.closedAt,
      };
      await this.saveVersioned(m, c, version, patch);
      const links = await m.query(
        `SELECT ir.report_id FROM incident_report ir JOIN incident i ON i.id = ir.incident_id WHERE i.case_id = $1`,
        [c.id],
      );
      for (const l of links as { report_id: string }[])
        await this.reports.setStatus(m, l.report_id, reportStatusFor(to));
      await this.entry(m, c, s, 'status', { from: c.status, to, closureReason: patch.closureReason ?? null });
      await this.audit.record(m, {
        ...this.actor(s),
        action: `case.status.${to}`,
        entityType: 'case',
        entityId: c.id,
      });
      return { ...c, ...patch, version: version + 1 } as CaseEntity;
    });
  }

  /** UPDATE … WHERE version = the version the counsellor saw: a concurrent save is refused, never overwritten. */
  private async saveVersioned(
    m: EntityManager,
    c: CaseEntity,
    version: number,
    patch: Partial<CaseEntity>,
  ): Promise<void> {
    const result = await m
      .createQueryBuilder()
      .update(CaseEntity)
      .set({ ...patch, version: () => 'version + 1', lastActivityAt: () => 'now()' })
      .where('id = :id AND version = :version', { id: c.id, version })
      .execute();
    if (!result.affected) throw CaseErrors.staleVersion();
  }

  async updateAssessment(
    s: StaffContext,
    caseId: string,
    given: AssessmentInput,
    version: number,
  ): Promise<void> {
    // only the fields sent: a DTO instance carries every declared field, the absent ones as undefined,
    // which must neither blank the stored value for the deadline nor count as changed
    const input = Object.fromEntries(
      Object.entries(given).filter(([, v]) => v !== undefined),
    ) as AssessmentInput;
    const errors = checkAssessment(
      input,
      (await this.settings.districts()).map((d) => d.code),
    );
    if (errors.length) throw CaseErrors.validation(errors);
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      const next = { ...c, ...input };
      const deadline = await this.deadlineOf(next);
      await this.saveVersioned(m, c, version, {
        ...input,
        deadlineDue: deadline.kind === 'date' ? deadline.due : null,
      } as Partial<CaseEntity>);
      await this.entry(m, c, s, 'assessment', { fields: Object.keys(input) });
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.assess',
        entityType: 'case',
        entityId: c.id,
      });
    });
  }

  /** Assignees must be active counsellors of the same organisation. */
  async assign(s: StaffContext, caseId: string, assignees: string[], version: number): Promise<void> {
    const colleagues = (await this.staff.listUsers(s.organisationId))
      .filter((u) => u.role === 'counsellor' && !u.disabledAt)
      .map((u) => u.id);
    if (!assignees.every((a) => colleagues.includes(a))) throw CaseErrors.notAllowed('assignees');
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      await this.saveVersioned(m, c, version, { assignees: [...new Set(assignees)] });
      await this.entry(m, c, s, 'assignment', { assignees });
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.assign',
        entityType: 'case',
        entityId: c.id,
      });
    });
  }

  async addNote(
    s: StaffContext,
    caseId: string,
    body: string,
    visibility: 'team' | 'personal',
  ): Promise<void> {
    if (!body.trim() || body.length > 20_000)
      throw CaseErrors.validation([{ field: 'body', messageKey: 'cases.errors.text_required' }]);
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      await this.entry(m, c, s, 'note', {}, body.trim(), visibility);
      await this.touch(m, c);
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.note',
        entityType: 'case',
        entityId: c.id,
      });
    });
  }

  async addIntervention(
    s: StaffContext,
    caseId: string,
    input: { type: string; date: string; description: string; result?: string },
  ): Promise<void> {
    const errs: FieldError[] = [];
    if (!(INTERVENTION_TYPES as readonly string[]).includes(input.type))
      errs.push({ field: 'type', messageKey: 'validation.isIn' });
    if (!DATE.test(input.date)) errs.push({ field: 'date', messageKey: 'intake.errors.date_invalid' });
    if ((input.description ?? '').length > 20_000 || (input.result ?? '').length > 20_000)
      errs.push({ field: 'description', messageKey: 'validation.maxLength' });
    if (errs.length) throw CaseErrors.validation(errs);
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      await this.entry(
        m,
        c,
        s,
        'intervention',
        { type: input.type, date: input.date },
        JSON.stringify({ description: input.description ?? '', result: input.result ?? '' }),
      );
      await this.touch(m, c);
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.intervention',
        entityType: 'case',
        entityId: c.id,
      });
    });
  }

  async addTask(
    s: StaffContext,
    caseId: string,
    input: { title: string; dueDate: string; assigneeId?: string | null },
  ): Promise<void> {
    const errs: FieldError[] = [];
    if (!input.title?.trim() || input.title.length > 500)
      errs.push({ field: 'title', messageKey: 'cases.errors.text_required' });
    if (!DATE.test(input.dueDate ?? ''))
      errs.push({ field: 'dueDate', messageKey: 'intake.errors.date_invalid' });
    if (errs.length) throw CaseErrors.validation(errs);
    if (input.assigneeId) {
      const ok = (await this.staff.listUsers(s.organisationId)).some(
        (u) => u.id === input.assigneeId && u.role === 'counsellor' && !u.disabledAt,
      );
      if (!ok) throw CaseErrors.notAllowed('assigneeId');
    }
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      await m.getRepository(CaseTaskEntity).insert({
        caseId: c.id,
        organisationId: c.organisationId,
        title: await this.crypto.encrypt(c.dataKeyId, input.title.trim(), m),
        dueDate: input.dueDate,
        assigneeId: input.assigneeId ?? s.userId,
        doneAt: null,
        overdueNotifiedAt: null,
      });
      await this.entry(m, c, s, 'task', { dueDate: input.dueDate, assigneeId: input.assigneeId ?? s.userId });
      await this.touch(m, c);
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.task',
        entityType: 'case',
        entityId: c.id,
      });
    });
  }

  async completeTask(s: StaffContext, caseId: string, taskId: string): Promise<void> {
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      const result = await m
        .getRepository(CaseTaskEntity)
        .update({ id: taskId, caseId: c.id }, { doneAt: new Date() });
      if (!result.affected) throw CaseErrors.notFound();
      await this.entry(m, c, s, 'task', { taskId, done: true });
      await this.touch(m, c);
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.task_done',
        entityType: 'case',
        entityId: c.id,
      });
    });
  }

  /**
   * A consent the person gave or withdrew outside the mailbox (by phone, in person, in writing):
   * recorded in the report's ledger as such. Withdrawing `share` revokes open referrals resting on
   * it (the referrals module listens to the ledger); withdrawing `contact` erases the contact data.
   */
  async recordConsent(
    s: StaffContext,
    caseId: string,
    input: {
      reportId: string;
      purpose: 'share' | 'contact';
      action: 'grant' | 'withdraw';
      form: 'oral' | 'written';
    },
  ): Promise<void> {
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      const link = await m.query(
        `SELECT 1 FROM incident_report ir JOIN incident i ON i.id = ir.incident_id WHERE i.case_id = $1 AND ir.report_id = $2`,
        [c.id, input.reportId],
      );
      if (!(link as unknown[]).length) throw CaseErrors.notFound();
      await m.getRepository(ReportConsentEntity).insert({
        reportId: input.reportId,
        purpose: input.purpose,
        action: input.action,
        form: input.form,
        recordedBy: s.userId,
      });
      if (input.purpose === 'contact' && input.action === 'withdraw')
        await m.query(`UPDATE report SET contact = NULL, contact_channel = 'none' WHERE id = $1`, [
          input.reportId,
        ]);
      await this.entry(m, c, s, 'assessment', {
        consent: input.purpose,
        action: input.action,
        form: input.form,
        reportId: input.reportId,
      });
      await this.touch(m, c);
      await this.audit.record(m, {
        ...this.actor(s),
        action: `consent.${input.action}.${input.purpose}`,
        entityType: 'report',
        entityId: input.reportId,
      });
    });
  }

  /** A message to the reporter of one of the case's reports: they read it in /follow-up. */
  async messageReporter(s: StaffContext, caseId: string, reportId: string, body: string): Promise<void> {
    if (!body.trim() || body.length > 20_000)
      throw CaseErrors.validation([{ field: 'body', messageKey: 'cases.errors.text_required' }]);
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      const link = await m.query(
        `SELECT 1 FROM incident_report ir JOIN incident i ON i.id = ir.incident_id WHERE i.case_id = $1 AND ir.report_id = $2`,
        [c.id, reportId],
      );
      if (!(link as unknown[]).length) throw CaseErrors.notFound();
      await this.reports.writeToReporter(s, reportId, body.trim(), m);
      await this.entry(m, c, s, 'message', { reportId, direction: 'to_reporter' });
      await this.touch(m, c);
    });
  }

  /** The case's access log for admins of the owning organisation (reading it is audited too). */
  async accessLog(s: StaffContext, caseId: string) {
    return withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.owned(m, s, caseId);
      await this.audit.record(m, {
        ...this.actor(s),
        action: 'case.read_access_log',
        entityType: 'case',
        entityId: c.id,
      });
      const names = new Map((await this.staff.listUsers(s.organisationId)).map((u) => [u.id, u.displayName]));
      return (await this.audit.eventsFor('case', c.id)).map((e) => ({
        at: e.occurredAt,
        action: e.action,
        actor: e.actorId ? (names.get(e.actorId) ?? e.actorId) : e.actorType,
      }));
    });
  }

  /** A referral event on the case timeline (called by the referrals module inside its transaction). */
  async recordReferralEvent(
    m: EntityManager,
    caseId: string,
    actorId: string | null,
    meta: {
      organisationId: string;
      referralId: string;
      event: string;
      toOrganisationId: string;
      serviceType: string;
    },
  ): Promise<void> {
    // a withdrawal from the mailbox runs in a transaction that names no organisation yet (RLS)
    await m.query(`SELECT set_config('anl.organisation_id', $1, true)`, [meta.organisationId]);
    await m.getRepository(CaseEntryEntity).insert({
      caseId,
      organisationId: meta.organisationId,
      kind: 'referral',
      authorId: actorId,
      visibility: 'team',
      body: null,
      meta: {
        referralId: meta.referralId,
        event: meta.event,
        toOrganisationId: meta.toOrganisationId,
        serviceType: meta.serviceType,
      },
    });
    await m.query(`UPDATE case_file SET last_activity_at = now() WHERE id = $1`, [caseId]);
  }

  /** A sent referral moves the case to `referred` where the state machine allows it (else nothing). */
  async markReferred(m: EntityManager, caseId: string, actorId: string): Promise<void> {
    const c = await m.getRepository(CaseEntity).findOneBy({ id: caseId });
    if (!c || c.status === 'referred' || !canTransition(c.status, 'referred')) return;
    await m
      .createQueryBuilder()
      .update(CaseEntity)
      .set({ status: 'referred', version: () => 'version + 1', lastActivityAt: () => 'now()' })
      .where('id = :id', { id: c.id })
      .execute();
    const links = await m.query(
      `SELECT ir.report_id FROM incident_report ir JOIN incident i ON i.id = ir.incident_id WHERE i.case_id = $1`,
      [c.id],
    );
    for (const l of links as { report_id: string }[])
      await this.reports.setStatus(m, l.report_id, reportStatusFor('referred'));
    await this.entry(m, c, { userId: actorId, organisationId: c.organisationId } as StaffContext, 'status', {
      from: c.status,
      to: 'referred',
      closureReason: null,
    });
    await this.audit.record(m, {
      actorType: 'staff',
      actorId,
      organisationId: c.organisationId,
      action: 'case.status.referred',
      entityType: 'case',
      entityId: c.id,
    });
  }

  /** Cases of the organisation for the "add to an existing case" choice in the inbox. */
  async recentCases(
    s: StaffContext,
    limit = 50,
  ): Promise<{ id: string; reference: string; status: string }[]> {
    return withOrganisation(this.db, s.organisationId, (m) =>
      m.getRepository(CaseEntity).find({
        where: { organisationId: s.organisationId },
        select: { id: true, reference: true, status: true },
        order: { lastActivityAt: 'DESC' },
        take: limit,
      }),
    );
  }
}
