import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LessThan, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { DEADLINE_LIFE_AREAS, type ConsentPurpose } from '../../common/domain/vocabulary.js';
import { AuditService, type AuditInput } from '../audit/audit.service.js';
import { StaffService } from '../auth/staff.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { StaffEmailProcessor } from '../notifications/staff-email.processor.js';
import type { StaffEmailTemplate } from '../notifications/mail.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { ATTACHMENT_KINDS, type AcceptedAttachment } from './attachments/attachment.types.js';
import { IntakeDraftFileEntity } from './entities/intake-draft-file.entity.js';
import { ReportAttachmentEntity } from './entities/report-attachment.entity.js';
import { ReportEntity } from './entities/report.entity.js';
import { InstallationSecretsService } from './installation-secrets.service.js';
import { IntakeErrors } from './intake.errors.js';
import { generateReceipt, hashReceipt } from './receipts.js';
import type { ReportInput } from './report-validation.js';

/** Stored encrypted as one JSON document per report. */
export interface ReportContent {
  v: 1;
  narrative: string;
  place: string | null;
  incidentApprox: string | null;
  groundOther: string | null;
}

export interface SubmitOptions {
  /** the form's idempotency token: a retry with the same token never creates a second report */
  idempotencyKey?: string;
  channel: 'web_form' | 'api' | 'phone' | 'in_person' | 'letter' | 'email';
  /** staff-entered: the counsellor who recorded it, and the organisation it lands in */
  staff?: { userId: string; organisationId: string };
  files: AcceptedAttachment[];
}

export interface SubmitResult {
  reportId: string;
  receipt: string;
  /** true when this was a retry and the receipt is the one shown before */
  replayed: boolean;
  /** months of the AGG deadline when the life area has one */
  deadlineMonths: number | null;
  contact: boolean;
}

const REPLAY_WINDOW_MS = 24 * 3600_000;
const DRAFT_TTL_MS = 3600_000;
const LOOKUP_CACHE_MS = 30_000;

/** See submit(): data key, report and consent grants; $23 the purposes granted, $24 the form. */
const INSERT_REPORT_SQL = `
  WITH k AS (
    INSERT INTO data_key (id, master_key_id, wrapped) VALUES ($1, $2, $3)
  ), r AS (
    INSERT INTO report (receiving_organisation_id, channel, reporter_role, entered_by, data_key_id,
      content, contact, contact_channel, preferred_language, when_kind, incident_date, district, grounds,
      life_area, support_wishes, status, receipt_hash, idempotency_hash, receipt_replay,
      receipt_replay_until, statistics_opt_out)
    VALUES ($4, $5, $6, $7, $1, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'new', $18, $19, $20,
      $21, $22)
    RETURNING id
  ), c AS (
    INSERT INTO report_consent (report_id, purpose, action, form, recorded_by)
    SELECT r.id, purpose, 'grant', $24::text, $7 FROM r, unnest($23::text[]) AS purpose
  )
  SELECT id FROM r`;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The public intake: stores reports in one transaction, with their consents and the notification. */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
    private readonly staff: StaffService,
    private readonly staffEmail: StaffEmailProcessor,
    private readonly settings: SettingsService,
    private readonly secrets: InstallationSecretsService,
  ) {}

  async districtCodes(): Promise<string[]> {
    return (await this.settings.districts()).map((d) => d.code);
  }

  async deadlineMonths(lifeArea: string): Promise<number | null> {
    if (!(DEADLINE_LIFE_AREAS as readonly string[]).includes(lifeArea)) return null;
    return this.settings.getInt(`deadlines.${lifeArea}_months`);
  }

  /** The organisation public reports go to: the configured one, else the service centre. */
  async receivingOrganisationId(): Promise<string> {
    // every public report asks: kept for a short while (a changed setting or organisation shows within 30 s)
    if (this.receiving && Date.now() - this.receiving.at < LOOKUP_CACHE_MS) return this.receiving.id;
    const id = await this.lookUpReceivingOrganisation();
    this.receiving = { id, at: Date.now() };
    return id;
  }

  private receiving: { id: string; at: number } | undefined;
  private readonly counsellorCache = new Map<string, { ids: string[]; at: number }>();

  private async lookUpReceivingOrganisation(): Promise<string> {
    const code = await this.settings.get<string>('intake.receiving_organisation_code');
    if (code) {
      const org = await this.staff.findOrganisationByCode(code);
      if (org && !org.disabledAt) return org.id;
    }
    const centre = (await this.staff.listOrganisations()).find(
      (o) => o.kind === 'service_centre' && !o.disabledAt,
    );
    if (!centre) throw IntakeErrors.noReceivingOrganisation();
    return centre.id;
  }

  /** A retry with the same idempotency token: the same receipt while the replay window lasts. */
  async replay(idempotencyKey: string): Promise<SubmitResult | null> {
    const report = await this.db
      .getRepository(ReportEntity)
      .findOneBy({ idempotencyHash: sha256(idempotencyKey) });
    if (!report) return null;
    if (
      !report.receiptReplay ||
      !report.receiptReplayUntil ||
      report.receiptReplayUntil.getTime() < Date.now()
    )
      throw IntakeErrors.alreadySubmitted();
    const receipt = await this.crypto.decryptString(report.dataKeyId, report.receiptReplay);
    return {
      reportId: report.id,
      receipt,
      replayed: true,
      deadlineMonths: await this.deadlineMonths(report.lifeArea),
      contact: report.contactChannel !== 'none',
    };
  }

  async submit(input: ReportInput, opts: SubmitOptions): Promise<SubmitResult> {
    if (opts.idempotencyKey) {
      const earlier = await this.replay(opts.idempotencyKey);
      if (earlier) return earlier;
    }
    const organisationId = opts.staff?.organisationId ?? (await this.receivingOrganisationId());
    const receipt = generateReceipt();
    const receiptHash = await hashReceipt(receipt, await this.secrets.get('receipt_salt'));
    const deadlineMonths = await this.deadlineMonths(input.lifeArea);
    try {
      const reportId = await this.db.transaction(async (m) => {
        const dataKey = this.crypto.newDataKey();
        const dataKeyId = dataKey.id;
        const content: ReportContent = {
          v: 1,
          narrative: input.narrative,
          place: input.place,
          incidentApprox: input.incidentApprox,
          groundOther: input.groundOther,
        };
        const grants: ConsentPurpose[] = ['store'];
        if (input.consents.contact) grants.push('contact');
        if (input.consents.share) grants.push('share');
        if (input.consents.statisticsOptOut) grants.push('statistics_opt_out');
        // The data key, the report and its consent ledger in one statement (one round trip, not
        // three): the foreign keys are checked at its end, when all three rows exist.
        const [report] = (await m.query(INSERT_REPORT_SQL, [
          dataKeyId,
          dataKey.masterKeyId,
          dataKey.wrapped,
          organisationId,
          opts.channel,
          opts.staff ? 'staff_entry' : input.reporterRole,
          opts.staff?.userId ?? null,
          await this.crypto.encrypt(dataKeyId, JSON.stringify(content), m),
          input.contact ? await this.crypto.encrypt(dataKeyId, JSON.stringify(input.contact), m) : null,
          input.contactChannel,
          input.preferredLanguage,
          input.whenKind,
          input.incidentDate,
          input.district,
          input.grounds,
          input.lifeArea,
          input.wishes,
          receiptHash,
          opts.idempotencyKey ? sha256(opts.idempotencyKey) : null,
          opts.idempotencyKey ? await this.crypto.encrypt(dataKeyId, receipt, m) : null,
          opts.idempotencyKey ? new Date(Date.now() + REPLAY_WINDOW_MS) : null,
          input.consents.statisticsOptOut,
          grants,
          opts.staff ? 'oral' : 'online',
        ])) as { id: string }[];
        await this.storeAttachments(m, report.id, dataKeyId, opts.files, null);
        await this.notifyCounsellors(m, organisationId, 'new-report', opts.staff?.userId);
        // the audit append takes the chain's lock: last, so it is held as briefly as possible
        await this.audit.record(m, {
          ...this.actor(opts.staff),
          action: 'report.create',
          entityType: 'report',
          entityId: report.id,
        });
        return report.id;
      });
      return { reportId, receipt, replayed: false, deadlineMonths, contact: input.contactChannel !== 'none' };
    } catch (e) {
      // two submissions of the same form raced: the other one won, show its receipt
      if (opts.idempotencyKey && (e as { code?: string }).code === '23505') {
        const earlier = await this.replay(opts.idempotencyKey);
        if (earlier) return earlier;
      }
      throw e;
    }
  }

  private actor(staff?: {
    userId: string;
    organisationId: string;
  }): Pick<AuditInput, 'actorType' | 'actorId' | 'organisationId'> {
    return staff
      ? { actorType: 'staff', actorId: staff.userId, organisationId: staff.organisationId }
      : { actorType: 'reporter', actorId: null, organisationId: null };
  }

  async storeAttachments(
    m: EntityManager,
    reportId: string,
    dataKeyId: string,
    files: AcceptedAttachment[],
    messageId: string | null,
  ): Promise<void> {
    for (const f of files) {
      await m.getRepository(ReportAttachmentEntity).insert({
        reportId,
        messageId,
        kind: f.kind,
        mime: f.mime,
        size: f.size,
        data: await this.crypto.encrypt(dataKeyId, f.data, m),
      });
    }
  }

  /** One e-mail job per active counsellor of the organisation; the job carries ids only. */
  async notifyCounsellors(
    m: EntityManager,
    organisationId: string,
    template: StaffEmailTemplate,
    exceptUserId?: string,
  ): Promise<void> {
    // The recipients of an organisation change rarely: cached for a short while (a disabled account
    // gets no mail anyway — the e-mail job looks the address up again when it runs).
    let cached = this.counsellorCache.get(organisationId);
    if (!cached || Date.now() - cached.at >= LOOKUP_CACHE_MS) {
      const users = await this.staff.listUsers(organisationId, m);
      cached = {
        ids: users.filter((u) => u.role === 'counsellor' && !u.disabledAt).map((u) => u.id),
        at: Date.now(),
      };
      this.counsellorCache.set(organisationId, cached);
    }
    await this.staffEmail.queueMany(
      m,
      cached.ids.filter((id) => id !== exceptUserId),
      template,
    );
  }

  // ---- drafts: files accepted while the rest of the form had errors ----

  /** Keeps accepted files encrypted for an hour; returns the draft token for the form. */
  async saveDraftFiles(files: AcceptedAttachment[], existingToken?: string): Promise<string> {
    const token =
      existingToken && /^[A-Za-z0-9_-]{32,64}$/.test(existingToken)
        ? existingToken
        : randomBytes(24).toString('base64url');
    const draftHash = sha256(token);
    await this.db.transaction(async (m) => {
      const dataKeyId = await this.crypto.createDataKey(m);
      for (const f of files) {
        await m.getRepository(IntakeDraftFileEntity).insert({
          draftHash,
          dataKeyId,
          kind: f.kind,
          mime: f.mime,
          size: f.size,
          data: await this.crypto.encrypt(dataKeyId, f.data, m),
          expiresAt: new Date(Date.now() + DRAFT_TTL_MS),
        });
      }
    });
    return token;
  }

  /** Files of a draft, or null when the token is unknown or its files have expired. */
  async loadDraftFiles(token: string | undefined): Promise<AcceptedAttachment[] | null> {
    if (!token || !/^[A-Za-z0-9_-]{32,64}$/.test(token)) return null;
    const rows = await this.db
      .getRepository(IntakeDraftFileEntity)
      .find({ where: { draftHash: sha256(token) }, order: { createdAt: 'ASC' } });
    const live = rows.filter((r) => r.expiresAt.getTime() > Date.now());
    if (live.length === 0) return null;
    const out: AcceptedAttachment[] = [];
    for (const r of live) {
      const data = await this.crypto.decrypt(r.dataKeyId, r.data);
      const kind = r.kind as AcceptedAttachment['kind'];
      out.push({
        kind,
        mime: r.mime,
        extension: ATTACHMENT_KINDS[kind].extension,
        data,
        size: r.size,
        reencoded: true,
      });
    }
    return out;
  }

  async discardDraft(token: string | undefined): Promise<void> {
    if (!token) return;
    await this.purgeDrafts({ draftHash: sha256(token) });
  }

  /** Removes expired drafts and destroys their keys; also erases receipts past the replay window. */
  async purgeExpired(): Promise<{ drafts: number; replays: number }> {
    const drafts = await this.purgeDrafts({ expiresAt: LessThan(new Date()) });
    const result = await this.db
      .createQueryBuilder()
      .update(ReportEntity)
      .set({ receiptReplay: null, receiptReplayUntil: null })
      .where('receipt_replay_until < now()')
      .execute();
    return { drafts, replays: result.affected ?? 0 };
  }

  private async purgeDrafts(where: FindOptionsWhere<IntakeDraftFileEntity>): Promise<number> {
    return this.db.transaction(async (m) => {
      const rows = await m
        .getRepository(IntakeDraftFileEntity)
        .find({ where, select: { id: true, dataKeyId: true } });
      if (rows.length === 0) return 0;
      await m.getRepository(IntakeDraftFileEntity).delete(rows.map((r) => r.id));
      for (const keyId of new Set(rows.map((r) => r.dataKeyId))) await this.crypto.destroyDataKey(keyId, m);
      return rows.length;
    });
  }

  // ---- erasure (cases/retention)
  // Used by src/modules/cases/retention: crypto-shredding of one report, and the subject access export.
  // Raw SQL on the intake tables keeps this section self-contained.

  /**
   * Erases a report for good, in the caller's transaction: destroys its data key (narrative, contact,
   * messages, files and the receipt replay become unreadable), removes the ciphertext as well (so a
   * dump shows none), the messages, files, consent ledger and mailbox sessions, and makes the receipt
   * unusable. What stays is the classification (codes, the incident month) for statistics. One
   * `report.erased` audit entry without content. Idempotent: false when it was erased already.
   */
  async eraseReport(
    m: EntityManager,
    reportId: string,
    actor: Pick<AuditInput, 'actorType' | 'actorId' | 'organisationId'>,
  ): Promise<boolean> {
    const rows = (await m.query(`SELECT data_key_id, erased_at FROM report WHERE id = $1 FOR UPDATE`, [
      reportId,
    ])) as { data_key_id: string; erased_at: Date | null }[];
    if (rows.length === 0 || rows[0].erased_at) return false;
    await m.query(`DELETE FROM mailbox_session WHERE report_id = $1`, [reportId]);
    await m.query(`DELETE FROM report_attachment WHERE report_id = $1`, [reportId]);
    await m.query(`DELETE FROM report_message WHERE report_id = $1`, [reportId]);
    await m.query(`DELETE FROM report_consent WHERE report_id = $1`, [reportId]);
    await m.query(
      `UPDATE report SET content = '\\x'::bytea, contact = NULL, receipt_hash = 'erased:' || id::text,
         idempotency_hash = NULL, receipt_replay = NULL, receipt_replay_until = NULL,
         incident_date = date_trunc('month', incident_date)::date,
         when_kind = CASE WHEN when_kind = 'date' THEN 'month' ELSE when_kind END,
         erased_at = now()
       WHERE id = $1`,
      [reportId],
    );
    await this.crypto.destroyDataKey(rows[0].data_key_id, m);
    await this.audit.record(m, {
      ...actor,
      action: 'report.erased',
      entityType: 'report',
      entityId: reportId,
    });
    return true;
  }

  /**
   * Everything stored about one report, decrypted, for a subject access export (the caller checks
   * that the report belongs to its case and organisation, and audits). Null when erased or unknown.
   */
  async reportForExport(m: EntityManager, reportId: string) {
    const report = await m.getRepository(ReportEntity).findOneBy({ id: reportId });
    if (!report || report.erasedAt) return null;
    const content = JSON.parse(
      await this.crypto.decryptString(report.dataKeyId, report.content, m),
    ) as ReportContent;
    const contact = report.contact
      ? (JSON.parse(await this.crypto.decryptString(report.dataKeyId, report.contact, m)) as Record<
          string,
          string
        >)
      : null;
    const consents = (await m.query(
      `SELECT purpose, action, form, recorded_at FROM report_consent WHERE report_id = $1 ORDER BY id`,
      [reportId],
    )) as { purpose: string; action: string; form: string; recorded_at: Date }[];
    const messages = (await m.query(
      `SELECT id, direction, body, created_at, read_at FROM report_message WHERE report_id = $1 ORDER BY created_at, id`,
      [reportId],
    )) as { id: string; direction: string; body: Buffer; created_at: Date; read_at: Date | null }[];
    const attachments = (await m.query(
      `SELECT kind, mime, size, message_id, created_at FROM report_attachment WHERE report_id = $1 ORDER BY created_at, id`,
      [reportId],
    )) as { kind: string; mime: string; size: number; message_id: string | null; created_at: Date }[];
    return {
      report,
      content,
      contact,
      consents: consents.map((c) => ({
        purpose: c.purpose,
        action: c.action,
        form: c.form,
        recordedAt: c.recorded_at,
      })),
      messages: await Promise.all(
        messages.map(async (msg) => ({
          direction: msg.direction as 'from_reporter' | 'to_reporter',
          body: await this.crypto.decryptString(report.dataKeyId, msg.body, m),
          createdAt: msg.created_at,
          readAt: msg.read_at,
          attachments: attachments.filter((a) => a.message_id === msg.id).length,
        })),
      ),
      attachments: attachments.map((a) => ({
        kind: a.kind,
        mime: a.mime,
        size: a.size,
        withMessage: a.message_id !== null,
        createdAt: a.created_at,
      })),
    };
  }
}
