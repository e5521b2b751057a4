import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, Not, type DataSource, type EntityManager } from 'typeorm';
import { OUTCOMES } from '../../common/domain/vocabulary.js';
import { DomainError, type FieldError } from '../../common/errors/domain-error.js';
import type { StaffContext } from '../../common/http/request-context.js';
import { AuditService, type AuditInput } from '../audit/audit.service.js';
import { StaffService } from '../auth/staff.service.js';
import { withOrganisation } from '../cases/case-access.js';
import { CasesService } from '../cases/cases.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { MailboxService } from '../intake/mailbox.service.js';
import { StaffReportsService } from '../intake/staff-reports.service.js';
import { NOTIFICATIONS_QUEUE, STAFF_EMAIL_JOB } from '../notifications/staff-email.processor.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { ReferralEntity } from './entities/referral.entity.js';
import { PartnersService } from './partners.service.js';
import {
  CLOCK,
  OPEN_STATUSES,
  REFERRAL_NEW_TEMPLATE,
  SERVICE_TYPES,
  SHARED_FIELDS,
  type Clock,
  type ReferralStatus,
  type SharedField,
} from './referrals.constants.js';
import { ReferralErrors } from './referrals.errors.js';

/** Who changes a referral: a staff member, the reporter (mailbox) or the system. */
export interface ReferralActor {
  actorType: 'staff' | 'reporter' | 'system';
  actorId?: string | null;
  organisationId?: string | null;
}

/**
 * What the cases module adds to CasesService for the referrals module (see the report to the lead).
 * Both run in the caller's transaction; until they exist, referrals work without timeline entries
 * and without moving the case to `referred`.
 */
export interface ReferralCaseHooks {
  /** a `referral` entry on the case timeline: codes and ids only */
  recordReferralEvent(
    m: EntityManager,
    caseId: string,
    actorId: string | null,
    meta: {
      /** the case's organisation: the caller's transaction may not name one yet (mailbox) */
      organisationId: string;
      referralId: string;
      event: ReferralStatus;
      toOrganisationId: string;
      serviceType: string;
    },
  ): Promise<void>;
  /** sets status `referred` when the state machine allows it from the current status; no-op otherwise */
  markReferred(m: EntityManager, caseId: string, actorId: string): Promise<void>;
}

export interface CreateReferralInput {
  caseId: string;
  reportId?: string;
  toOrganisationId: string;
  serviceType: string;
  summary?: string;
  sharedFields?: string[];
}

interface CaseRow {
  id: string;
  organisation_id: string;
  data_key_id: string;
  status: string;
  grounds: string[];
  life_area: string | null;
  district: string | null;
  incident_date: string | null;
  erased_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shared field values as the partner sees them. */
export type SharedData = Partial<Record<SharedField, unknown>>;

/**
 * Referrals from a case to a partner. Counsellors of the case's organisation create and send them
 * (the reporter's consent to share is checked at sending); partners see only referrals to their
 * organisation and only the shared fields; every status change is audited in its transaction; a
 * withdrawn consent revokes every open referral resting on it (revokeForConsent).
 */
@Injectable()
export class ReferralsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly staff: StaffService,
    private readonly mailbox: MailboxService,
    private readonly reports: StaffReportsService,
    private readonly partners: PartnersService,
    private readonly cases: CasesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private actor(s: StaffContext): ReferralActor {
    return { actorType: 'staff', actorId: s.userId, organisationId: s.organisationId };
  }

  private get hooks(): Partial<ReferralCaseHooks> {
    return this.cases as unknown as Partial<ReferralCaseHooks>;
  }

  private async timeline(m: EntityManager, r: ReferralEntity, actorId: string | null, event: ReferralStatus) {
    await this.hooks.recordReferralEvent?.(m, r.caseId, actorId, {
      organisationId: r.fromOrganisationId,
      referralId: r.id,
      event,
      toOrganisationId: r.toOrganisationId,
      serviceType: r.serviceType,
    });
  }

  private async record(m: EntityManager, actor: ReferralActor, action: string, referralId: string) {
    await this.audit.record(m, {
      actorType: actor.actorType,
      actorId: actor.actorId ?? null,
      organisationId: actor.organisationId ?? null,
      action,
      entityType: 'referral',
      entityId: referralId,
    } satisfies AuditInput);
  }

  private async denied(s: StaffContext, id: string, action = 'referral.read_denied'): Promise<never> {
    await this.audit.recordNow({
      actorType: 'staff',
      actorId: s.userId,
      organisationId: s.organisationId,
      action,
      entityType: 'referral',
      entityId: UUID.test(id) ? id : null,
    });
    throw ReferralErrors.notFound();
  }

  private async caseRow(m: EntityManager, s: StaffContext, caseId: string): Promise<CaseRow> {
    const rows = UUID.test(caseId)
      ? ((await m.query(
          `SELECT id, organisation_id, data_key_id, status, grounds, life_area, district,
                  incident_date::text AS incident_date, erased_at
             FROM case_file WHERE id = $1`,
          [caseId],
        )) as CaseRow[])
      : [];
    const c = rows[0];
    if (!c || c.organisation_id !== s.organisationId || c.erased_at) {
      await this.audit.recordNow({
        actorType: 'staff',
        actorId: s.userId,
        organisationId: s.organisationId,
        action: 'case.read_denied',
        entityType: 'case',
        entityId: UUID.test(caseId) ? caseId : null,
      });
      throw ReferralErrors.notFound();
    }
    return c;
  }

  private async reportsOfCase(m: EntityManager, caseId: string): Promise<string[]> {
    const rows = (await m.query(
      `SELECT ir.report_id FROM incident_report ir JOIN incident i ON i.id = ir.incident_id
        WHERE i.case_id = $1 ORDER BY ir.report_id`,
      [caseId],
    )) as { report_id: string }[];
    return rows.map((r) => r.report_id);
  }

  /** The referral of the caller's organisation, locked for the change; 404 (audited) otherwise. */
  private async ownedForUpdate(m: EntityManager, s: StaffContext, id: string): Promise<ReferralEntity> {
    const r = UUID.test(id)
      ? await m.getRepository(ReferralEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!r || r.fromOrganisationId !== s.organisationId) return this.denied(s, id);
    return r;
  }

  private async hasShareConsent(reportId: string): Promise<boolean> {
    return (await this.mailbox.consentState(reportId)).get('share') === true;
  }

  // ------------------------------------------------------------------ counsellor side

  private checkInput(input: CreateReferralInput): FieldError[] {
    const errs: FieldError[] = [];
    if (!(SERVICE_TYPES as readonly string[]).includes(input.serviceType))
      errs.push({ field: 'serviceType', messageKey: 'validation.isIn' });
    if (!(input.sharedFields ?? []).every((f) => (SHARED_FIELDS as readonly string[]).includes(f)))
      errs.push({ field: 'sharedFields', messageKey: 'validation.isIn' });
    if ((input.summary ?? '').length > 10_000)
      errs.push({ field: 'summary', messageKey: 'validation.maxLength' });
    if (!UUID.test(input.toOrganisationId))
      errs.push({ field: 'toOrganisationId', messageKey: 'referrals.errors.partner_not_taking_referrals' });
    return errs;
  }

  /** A draft referral; nothing leaves the organisation until it is sent. */
  async create(s: StaffContext, input: CreateReferralInput): Promise<ReferralEntity> {
    const errs = this.checkInput(input);
    if (errs.length) throw ReferralErrors.validation(errs);
    const partner = await this.partners.referable(input.toOrganisationId);
    if (!partner || partner.organisationId === s.organisationId) throw ReferralErrors.notReferable();
    if (partner.services.length && !partner.services.includes(input.serviceType))
      throw ReferralErrors.validation([
        { field: 'serviceType', messageKey: 'referrals.errors.service_not_offered' },
      ]);
    return withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.caseRow(m, s, input.caseId);
      if (c.status === 'closed') throw ReferralErrors.caseClosed();
      const reportIds = await this.reportsOfCase(m, c.id);
      const reportId = input.reportId ?? (reportIds.length === 1 ? reportIds[0] : undefined);
      if (!reportId || !reportIds.includes(reportId)) throw ReferralErrors.reportNotInCase();
      await this.assertNoOpenDuplicate(m, c.id, input.toOrganisationId, input.serviceType);
      const summary = (input.summary ?? '').trim();
      const r = m.getRepository(ReferralEntity).create({
        caseId: c.id,
        reportId,
        fromOrganisationId: s.organisationId,
        toOrganisationId: input.toOrganisationId,
        serviceType: input.serviceType,
        status: 'draft',
        summary: summary ? await this.crypto.encrypt(c.data_key_id, summary, m) : null,
        sharedFields: [...new Set(input.sharedFields ?? [])] as SharedField[],
        sharedData: null,
        dataKeyId: c.data_key_id,
        declineReason: null,
        outcome: null,
        feedback: null,
        revokeReason: null,
        createdBy: s.userId,
        sentAt: null,
        acceptedAt: null,
        declinedAt: null,
        completedAt: null,
        revokedAt: null,
        remindedAt: null,
      });
      try {
        await m.getRepository(ReferralEntity).save(r);
      } catch (e) {
        if ((e as { code?: string }).code === '23505') throw ReferralErrors.duplicateOpen();
        throw e;
      }
      await this.record(m, this.actor(s), 'referral.create', r.id);
      await this.timeline(m, r, s.userId, 'draft');
      return r;
    });
  }

  private async assertNoOpenDuplicate(
    m: EntityManager,
    caseId: string,
    to: string,
    service: string,
    except?: string,
  ) {
    const rows = (await m.query(
      `SELECT id FROM referral WHERE case_id = $1 AND to_organisation_id = $2 AND service_type = $3
          AND status = ANY($4::text[]) AND ($5::uuid IS NULL OR id <> $5::uuid)`,
      [caseId, to, service, OPEN_STATUSES, except ?? null],
    )) as unknown[];
    if (rows.length) throw ReferralErrors.duplicateOpen();
  }

  /**
   * Sends a draft: only with the reporter's consent to share (latest ledger entry for the report is a
   * grant). Takes the snapshot of the shared fields, tells the partner's users (no content), moves
   * the case to `referred`.
   */
  async send(s: StaffContext, id: string, version?: number): Promise<ReferralEntity> {
    return withOrganisation(this.db, s.organisationId, async (m) => {
      const r = await this.ownedForUpdate(m, s, id);
      if (version !== undefined && r.version !== version) throw ReferralErrors.stale();
      if (r.status !== 'draft') throw ReferralErrors.invalidTransition(r.status, 'sent');
      if (!(await this.hasShareConsent(r.reportId))) throw ReferralErrors.noShareConsent();
      if (!(await this.partners.referable(r.toOrganisationId))) throw ReferralErrors.notReferable();
      const c = await this.caseRow(m, s, r.caseId);
      if (c.status === 'closed') throw ReferralErrors.caseClosed();
      const data = await this.snapshot(m, s, r, c);
      const now = this.clock.now();
      const patch: Partial<ReferralEntity> = {
        status: 'sent',
        sentAt: now,
        sharedData: await this.crypto.encrypt(c.data_key_id, JSON.stringify(data), m),
      };
      await m.getRepository(ReferralEntity).update({ id: r.id }, patch);
      await this.record(m, this.actor(s), 'referral.send', r.id);
      await this.timeline(m, r, s.userId, 'sent');
      await this.hooks.markReferred?.(m, r.caseId, s.userId);
      await this.notifyPartner(m, r, REFERRAL_NEW_TEMPLATE);
      return { ...r, ...patch, version: r.version + 1 } as ReferralEntity;
    });
  }

  /** The values of the shared fields, and nothing else. */
  private async snapshot(
    m: EntityManager,
    s: StaffContext,
    r: ReferralEntity,
    c: CaseRow,
  ): Promise<SharedData> {
    const data: SharedData = {};
    const fields = new Set(r.sharedFields);
    if (fields.has('grounds')) data.grounds = c.grounds;
    if (fields.has('life_area')) data.life_area = c.life_area;
    if (fields.has('district')) data.district = c.district;
    if (fields.has('incident_date')) data.incident_date = c.incident_date;
    if (fields.has('narrative') || fields.has('contact') || fields.has('preferred_language')) {
      const { report, content } = await this.reports.forCase(s, r.reportId, m);
      if (fields.has('preferred_language')) data.preferred_language = report.preferredLanguage;
      if (fields.has('narrative')) data.narrative = content.narrative;
      if (fields.has('contact'))
        data.contact = report.contact
          ? (JSON.parse(await this.crypto.decryptString(report.dataKeyId, report.contact, m)) as unknown)
          : null;
    }
    return data;
  }

  /** One e-mail per active partner-role user of the receiving organisation; the payload names the referral so a revocation can cancel it. */
  async notifyPartner(m: EntityManager, r: ReferralEntity, template: string): Promise<number> {
    const users = (await this.staff.listUsers(r.toOrganisationId, m)).filter(
      (u) => u.role === 'partner' && !u.disabledAt,
    );
    for (const u of users)
      await this.outbox.enqueue(m, {
        queue: NOTIFICATIONS_QUEUE,
        name: STAFF_EMAIL_JOB,
        payload: { userId: u.id, template, referralId: r.id },
      });
    return users.length;
  }

  /** The counsellor revokes a referral (any time before completion). */
  async revoke(s: StaffContext, id: string, version?: number): Promise<void> {
    await withOrganisation(this.db, s.organisationId, async (m) => {
      const r = await this.ownedForUpdate(m, s, id);
      if (version !== undefined && r.version !== version) throw ReferralErrors.stale();
      if (!OPEN_STATUSES.includes(r.status) && r.status !== 'declined')
        throw ReferralErrors.invalidTransition(r.status, 'revoked');
      await this.revokeRow(m, r, this.actor(s), 'counsellor');
    });
  }

  private async revokeRow(m: EntityManager, r: ReferralEntity, actor: ReferralActor, reason: string) {
    await m
      .getRepository(ReferralEntity)
      .update({ id: r.id }, { status: 'revoked', revokedAt: this.clock.now(), revokeReason: reason });
    await this.outbox.cancel(m, { queue: NOTIFICATIONS_QUEUE, payloadMatch: { referralId: r.id } });
    await this.record(m, actor, 'referral.revoke', r.id);
    await this.timeline(m, r, actor.actorType === 'staff' ? (actor.actorId ?? null) : null, 'revoked');
  }

  /**
   * The reporter withdrew the consent to share for this report: every open referral resting on it is
   * revoked in the caller's transaction, and its queued e-mails are cancelled. Returns how many.
   * Idempotent: a second call finds nothing open.
   */
  async revokeForConsent(manager: EntityManager, reportId: string, actor: ReferralActor): Promise<number> {
    const open = await manager.getRepository(ReferralEntity).find({
      where: OPEN_STATUSES.map((status) => ({ reportId, status })),
      lock: { mode: 'pessimistic_write' },
    });
    for (const r of open) await this.revokeRow(manager, r, actor, 'consent_withdrawn');
    return open.length;
  }

  async listForOrganisation(s: StaffContext, caseId?: string) {
    // a filter that is no case id is refused before it reaches PostgreSQL (a uuid cast error was a 500)
    if (caseId !== undefined && !UUID.test(caseId))
      throw new DomainError('bad_request', 'errors.bad_request');
    const where = caseId
      ? { fromOrganisationId: s.organisationId, caseId }
      : { fromOrganisationId: s.organisationId };
    const rows = await this.db
      .getRepository(ReferralEntity)
      .find({ where, order: { createdAt: 'DESC' }, take: 200 });
    const names = await this.orgNames();
    return rows.map((r) => this.counsellorSummary(r, names));
  }

  private async orgNames(): Promise<Map<string, string>> {
    return new Map((await this.staff.listOrganisations()).map((o) => [o.id, o.name]));
  }

  private counsellorSummary(r: ReferralEntity, names: Map<string, string>) {
    return {
      id: r.id,
      caseId: r.caseId,
      reportId: r.reportId,
      toOrganisationId: r.toOrganisationId,
      toOrganisation: names.get(r.toOrganisationId) ?? '–',
      serviceType: r.serviceType,
      status: r.status,
      sharedFields: r.sharedFields,
      outcome: r.outcome,
      createdAt: r.createdAt,
      sentAt: r.sentAt,
      acceptedAt: r.acceptedAt,
      declinedAt: r.declinedAt,
      completedAt: r.completedAt,
      revokedAt: r.revokedAt,
      revokeReason: r.revokeReason,
      version: r.version,
    };
  }

  /** The referral as its counsellors see it (audited read). */
  async getForCounsellor(s: StaffContext, id: string) {
    return withOrganisation(this.db, s.organisationId, async (m) => {
      const r = UUID.test(id) ? await m.getRepository(ReferralEntity).findOneBy({ id }) : null;
      if (!r || r.fromOrganisationId !== s.organisationId) return this.denied(s, id);
      await this.caseRow(m, s, r.caseId); // an erased case takes its referrals with it
      await this.record(m, this.actor(s), 'referral.read', r.id);
      return {
        ...this.counsellorSummary(r, await this.orgNames()),
        summary: r.summary ? await this.crypto.decryptString(r.dataKeyId, r.summary, m) : '',
        declineReason: r.declineReason,
        feedback: r.feedback ? await this.crypto.decryptString(r.dataKeyId, r.feedback, m) : null,
        consentToShare: await this.hasShareConsent(r.reportId),
      };
    });
  }

  /** Report ids of a case and whether each has the consent to share (the "new referral" form). */
  async caseContext(s: StaffContext, caseId: string) {
    return withOrganisation(this.db, s.organisationId, async (m) => {
      const c = await this.caseRow(m, s, caseId);
      const reportIds = await this.reportsOfCase(m, c.id);
      const ref = (await m.query(`SELECT reference FROM case_file WHERE id = $1`, [c.id])) as {
        reference: string;
      }[];
      return {
        caseId: c.id,
        reference: ref[0]?.reference ?? '',
        status: c.status,
        reports: await Promise.all(
          reportIds.map(async (id) => ({ id, shareConsent: await this.hasShareConsent(id) })),
        ),
      };
    });
  }

  // ------------------------------------------------------------------ partner side

  /** Referrals sent to the caller's organisation (never drafts); codes and dates only. */
  async listForPartner(s: StaffContext) {
    const rows = await this.db.getRepository(ReferralEntity).find({
      // a draft revoked before it was sent never reached the partner
      where: { toOrganisationId: s.organisationId, sentAt: Not(IsNull()) },
      order: { sentAt: 'DESC' },
      take: 200,
    });
    const names = await this.orgNames();
    return rows.map((r) =>
      r.status === 'revoked'
        ? { id: r.id, status: r.status, revokedAt: r.revokedAt }
        : {
            id: r.id,
            status: r.status,
            serviceType: r.serviceType,
            fromOrganisation: names.get(r.fromOrganisationId) ?? '–',
            sentAt: r.sentAt,
            acceptedAt: r.acceptedAt,
            completedAt: r.completedAt,
          },
    );
  }

  private async forPartner(
    m: EntityManager,
    s: StaffContext,
    id: string,
    lock = false,
  ): Promise<ReferralEntity> {
    const r = UUID.test(id)
      ? await m
          .getRepository(ReferralEntity)
          .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) })
      : null;
    if (!r || r.toOrganisationId !== s.organisationId || !r.sentAt) return this.denied(s, id);
    return r;
  }

  /**
   * What the partner sees: the shared fields only (the snapshot holds nothing else), the summary, the
   * service; never the case or the report. A revoked referral shows that it was revoked, nothing more.
   */
  async getForPartner(s: StaffContext, id: string) {
    return this.db.transaction(async (m) => {
      const r = await this.forPartner(m, s, id);
      await this.record(
        m,
        this.actor(s),
        r.status === 'revoked' ? 'referral.read_revoked' : 'referral.read',
        r.id,
      );
      if (r.status === 'revoked') return { id: r.id, status: r.status, revokedAt: r.revokedAt };
      const from = await this.staff.findOrganisation(r.fromOrganisationId);
      return {
        id: r.id,
        status: r.status,
        serviceType: r.serviceType,
        fromOrganisation: from?.name ?? '–',
        summary: r.summary ? await this.crypto.decryptString(r.dataKeyId, r.summary, m) : '',
        sharedFields: r.sharedFields,
        shared: r.sharedData
          ? (JSON.parse(await this.crypto.decryptString(r.dataKeyId, r.sharedData, m)) as SharedData)
          : {},
        sentAt: r.sentAt,
        acceptedAt: r.acceptedAt,
        declinedAt: r.declinedAt,
        declineReason: r.declineReason,
        completedAt: r.completedAt,
        outcome: r.outcome,
        feedback: r.feedback ? await this.crypto.decryptString(r.dataKeyId, r.feedback, m) : null,
        version: r.version,
      };
    });
  }

  private async partnerTransition(
    s: StaffContext,
    id: string,
    from: readonly ReferralStatus[],
    to: ReferralStatus,
    patch: (r: ReferralEntity, m: EntityManager) => Promise<Partial<ReferralEntity>>,
    action: string,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      const r = await this.forPartner(m, s, id, true);
      if (!from.includes(r.status)) throw ReferralErrors.invalidTransition(r.status, to);
      await m.getRepository(ReferralEntity).update({ id: r.id }, await patch(r, m));
      await this.record(m, this.actor(s), action, r.id);
      if (to !== r.status) await this.timeline(m, r, null, to);
    });
  }

  async accept(s: StaffContext, id: string): Promise<void> {
    await this.partnerTransition(
      s,
      id,
      ['sent'],
      'accepted',
      async () => ({
        status: 'accepted',
        acceptedAt: this.clock.now(),
      }),
      'referral.accept',
    );
  }

  async decline(s: StaffContext, id: string, reason: string): Promise<void> {
    const text = (reason ?? '').trim();
    if (!text || text.length > 2000)
      throw ReferralErrors.validation([{ field: 'reason', messageKey: 'referrals.errors.reason_required' }]);
    await this.partnerTransition(
      s,
      id,
      ['sent', 'accepted'],
      'declined',
      async () => ({
        status: 'declined',
        declinedAt: this.clock.now(),
        declineReason: text,
      }),
      'referral.decline',
    );
  }

  /** Feedback to the referring counsellors (encrypted), while the referral is accepted. */
  async feedback(s: StaffContext, id: string, body: string): Promise<void> {
    const text = (body ?? '').trim();
    if (!text || text.length > 10_000)
      throw ReferralErrors.validation([{ field: 'feedback', messageKey: 'referrals.errors.text_required' }]);
    await this.partnerTransition(
      s,
      id,
      ['accepted'],
      'accepted',
      async (r, m) => ({
        feedback: await this.crypto.encrypt(r.dataKeyId, text, m),
      }),
      'referral.feedback',
    );
  }

  async complete(s: StaffContext, id: string, outcome: string, feedback?: string): Promise<void> {
    if (!(OUTCOMES as readonly string[]).includes(outcome))
      throw ReferralErrors.validation([{ field: 'outcome', messageKey: 'validation.isIn' }]);
    const text = (feedback ?? '').trim();
    if (text.length > 10_000)
      throw ReferralErrors.validation([{ field: 'feedback', messageKey: 'validation.maxLength' }]);
    await this.partnerTransition(
      s,
      id,
      ['accepted'],
      'completed',
      async (r, m) => ({
        status: 'completed',
        completedAt: this.clock.now(),
        outcome,
        ...(text ? { feedback: await this.crypto.encrypt(r.dataKeyId, text, m) } : {}),
      }),
      'referral.complete',
    );
  }

  // ------------------------------------------------------------------ figures

  /**
   * Referral figures for a period (by sent date, drafts never count): counts by service type, partner
   * organisation, status and outcome, and days from sending to acceptance. Codes and organisation
   * names only — nothing about a person.
   */
  async figures(period: { from: string; to: string }) {
    const DATE = /^\d{4}-\d{2}-\d{2}$/;
    if (!DATE.test(period.from) || !DATE.test(period.to) || period.from > period.to)
      throw ReferralErrors.validation([{ field: 'period', messageKey: 'referrals.errors.period' }]);
    const where = `sent_at IS NOT NULL
      AND (sent_at AT TIME ZONE 'Europe/Berlin')::date BETWEEN $1::date AND $2::date`;
    const args = [period.from, period.to];
    const count = async (col: string) =>
      Object.fromEntries(
        (
          (await this.db.query(
            `SELECT coalesce(${col}::text, 'none') AS k, count(*)::int AS n FROM referral WHERE ${where} GROUP BY 1 ORDER BY 1`,
            args,
          )) as { k: string; n: number }[]
        ).map((r) => [r.k, r.n]),
      ) as Record<string, number>;
    const byPartnerRows = (await this.db.query(
      `SELECT o.id, o.code, o.name, count(*)::int AS n FROM referral r JOIN organisation o ON o.id = r.to_organisation_id
        WHERE ${where.replace(/sent_at/g, 'r.sent_at')} GROUP BY o.id, o.code, o.name ORDER BY o.name`,
      args,
    )) as { id: string; code: string; name: string; n: number }[];
    const [days] = (await this.db.query(
      `SELECT count(*)::int AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM accepted_at - sent_at) / 86400) AS median,
              avg(extract(epoch FROM accepted_at - sent_at) / 86400) AS average
         FROM referral WHERE ${where} AND accepted_at IS NOT NULL`,
      args,
    )) as { n: number; median: number | null; average: string | number | null }[];
    const round = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
    const byStatus = await count('status');
    return {
      period,
      total: Object.values(byStatus).reduce((a, b) => a + b, 0),
      byServiceType: await count('service_type'),
      byPartner: byPartnerRows.map((r) => ({ organisationId: r.id, code: r.code, name: r.name, count: r.n })),
      byStatus,
      byOutcome: await count('outcome'),
      daysToAcceptance: { accepted: days.n, median: round(days.median), average: round(days.average) },
    };
  }
}
