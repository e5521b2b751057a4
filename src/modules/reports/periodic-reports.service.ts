import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import type { StaffEmailTemplate } from '../notifications/mail.service.js';
import { StaffEmailProcessor } from '../notifications/staff-email.processor.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { DEFAULT_QUEUE_TUNING, QUEUE_TUNING, type QueueTuning } from '../queue/queue.tokens.js';
import { SettingsService } from '../settings/settings.service.js';
import { parsePeriod, periodFromCode, PERIOD_FORMS, type Period } from '../statistics/period.js';
import { pageModel } from '../statistics/statistics-view.js';
import { StatisticsService } from '../statistics/statistics.service.js';
import { PeriodicReportEntity } from './periodic-report.entity.js';
import { renderReportPdf, type ReportData, type ReportTable } from './pdf-renderer.js';
import { loadLayout } from './report-layout.js';
import type { ReportLang } from './report-texts.js';

export const REPORTS_QUEUE = 'reports';
export const RENDER_JOB = 'render';
export const REPORT_LANGUAGES: readonly ReportLang[] = ['de', 'en'];
/** The e-mail (no content: "a report is ready, log in") each officer gets when a report is done. */
export const REPORT_READY_TEMPLATE: StaffEmailTemplate = 'periodic-report-ready';

export interface PeriodicReportSummary {
  id: string;
  period: string;
  kind: string;
  language: string;
  status: string;
  error: string | null;
  sha256: string | null;
  attempts: number;
  automatic: boolean;
  createdAt: Date;
  finishedAt: Date | null;
}

const badRequest = (key: string, params: Record<string, string | number> = {}) =>
  new DomainError('bad_request', key, params);

@Injectable()
export class PeriodicReportsService implements OnModuleInit {
  private readonly logger = new Logger(PeriodicReportsService.name);
  private readonly attempts: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(PeriodicReportEntity) private readonly reports: Repository<PeriodicReportEntity>,
    private readonly outbox: OutboxService,
    private readonly statistics: StatisticsService,
    private readonly settings: SettingsService,
    private readonly renderer: ViewRenderer,
    private readonly staffEmail: StaffEmailProcessor,
    @Optional() @Inject(QUEUE_TUNING) tuning?: Partial<QueueTuning>,
  ) {
    this.attempts = tuning?.attempts ?? DEFAULT_QUEUE_TUNING.attempts;
  }

  onModuleInit(): void {
    this.outbox.registerHandler(REPORTS_QUEUE, RENDER_JOB, async ({ payload, attemptsMade }) => {
      if (typeof payload.reportId !== 'string') return;
      await this.process(payload.reportId, attemptsMade);
    });
  }

  /** Checks the request and queues the rendering in one transaction with the row. */
  async request(
    userId: string,
    input: { period?: unknown; kind?: unknown; language?: unknown },
  ): Promise<{ id: string }> {
    const period = parsePeriod(input.period);
    if (period.kind !== 'quarter' && period.kind !== 'year')
      throw badRequest('reports.errors.period', { allowed: PERIOD_FORMS });
    if (input.kind !== undefined && input.kind !== '' && input.kind !== period.kind)
      throw badRequest('reports.errors.kind');
    const language = input.language === undefined || input.language === '' ? 'de' : input.language;
    if (typeof language !== 'string' || !REPORT_LANGUAGES.includes(language as ReportLang))
      throw badRequest('reports.errors.language');
    return this.db.transaction(async (m) => {
      const row = await m.getRepository(PeriodicReportEntity).save({
        periodCode: period.code,
        kind: period.kind,
        language,
        status: 'queued' as const,
        requestedBy: userId,
      });
      await this.outbox.enqueue(m, { queue: REPORTS_QUEUE, name: RENDER_JOB, payload: { reportId: row.id } });
      return { id: row.id };
    });
  }

  /**
   * The automatic report of a finished period in one language, queued through the outbox in the same
   * transaction. Exactly once: the partial unique index `uq_periodic_report_automatic` makes a second
   * run, or a second worker racing this one, insert nothing. Returns the new id, or null when it exists.
   */
  async requestAutomatic(period: Period, language: ReportLang): Promise<string | null> {
    if (period.kind !== 'quarter' && period.kind !== 'year')
      throw new Error('automatic: quarter or year only');
    return this.db.transaction(async (m) => {
      const rows = (await m.query(
        `INSERT INTO periodic_report (period_code, kind, language, status, automatic)
         VALUES ($1, $2, $3, 'queued', true)
         ON CONFLICT (period_code, kind, language) WHERE automatic DO NOTHING
         RETURNING id`,
        [period.code, period.kind, language],
      )) as { id: string }[];
      if (rows.length === 0) return null;
      await this.outbox.enqueue(m, {
        queue: REPORTS_QUEUE,
        name: RENDER_JOB,
        payload: { reportId: rows[0].id },
      });
      return rows[0].id;
    });
  }

  async list(): Promise<PeriodicReportSummary[]> {
    const rows = await this.reports.find({
      select: this.summaryColumns(),
      order: { createdAt: 'DESC' },
      take: 200,
    });
    return rows.map((r) => this.summary(r));
  }

  async get(id: string): Promise<PeriodicReportSummary> {
    return this.summary(await this.find(id));
  }

  async pdf(id: string): Promise<{ pdf: Buffer; filename: string; sha256: string }> {
    const r = await this.find(id, true);
    if (r.status !== 'done' || !r.pdf) throw new DomainError('conflict', 'reports.errors.not_ready');
    return { pdf: r.pdf, filename: `statistik-${r.periodCode}-${r.language}.pdf`, sha256: r.sha256 ?? '' };
  }

  /**
   * The outbox handler: idempotent (a done or failed row is left alone), renders from the published
   * release only, stores the PDF with its SHA-256. A failure is recorded as a reason and thrown so the
   * queue retries with backoff; the last attempt marks the row failed.
   */
  async process(id: string, attemptsMade: number): Promise<void> {
    const row = await this.reports.findOne({ where: { id }, select: this.summaryColumns() });
    if (!row || row.status === 'done' || row.status === 'failed') return;
    await this.reports.update({ id }, { status: 'running', attempts: attemptsMade + 1 });
    try {
      const pdf = await this.render(periodFromCode(row.periodCode), row.language as ReportLang);
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      await this.db.transaction(async (m) => {
        // the row says done and the officers' e-mails are queued together, or neither (then it retries)
        const [, affected] = (await m.query(
          `UPDATE periodic_report SET status = 'done', pdf = $2, sha256 = $3, error = NULL, finished_at = now()
            WHERE id = $1 AND status <> 'done'`,
          [id, pdf, sha256],
        )) as [unknown, number];
        if (affected === 1) await this.notifyOfficers(m);
      });
    } catch (e) {
      const reason = ((e as Error).message ?? 'error').slice(0, 300);
      const last = attemptsMade + 1 >= this.attempts;
      await this.reports.update(
        { id },
        last
          ? ({ status: 'failed', error: reason, finishedAt: () => 'now()' } as never)
          : { status: 'queued', error: reason },
      );
      this.logger.warn(`periodic report ${id} failed (attempt ${attemptsMade + 1}/${this.attempts})`);
      // the last attempt completes the outbox row: the row now says failed, with its reason
      if (!last) throw e;
    }
  }

  /**
   * "A report is ready" to every active officer, in their language, without any content (the e-mail
   * names no period and no figure). Admins reach /reports too but are not mailed: the reports are the
   * officer's work; an admin who asked for one sees it on the page.
   */
  private async notifyOfficers(m: EntityManager): Promise<void> {
    const officers = (await m.query(
      `SELECT id FROM staff_user WHERE role = 'officer' AND disabled_at IS NULL ORDER BY id`,
    )) as { id: string }[];
    for (const o of officers) await this.staffEmail.queue(m, o.id, REPORT_READY_TEMPLATE);
  }

  /** Builds the report's data from the published statistics release and renders the PDF. */
  async render(period: Period, lang: ReportLang): Promise<Buffer> {
    const layout = loadLayout();
    const view = await this.statistics.release(period, lang);
    const districts = await this.settings.districts();
    const labels = new Map(districts.map((d) => [d.code, d.labels[lang] ?? d.labels.de]));
    const model = pageModel(view, this.renderer, lang, 'ltr', labels);
    const tables = new Map<string, ReportTable>();
    for (const tb of model.tables) {
      tables.set(tb.id.replace(/-/g, '.'), {
        id: tb.id.replace(/-/g, '.'),
        title: tb.title,
        unit: tb.unit,
        unitNote: tb.unitNote,
        twoD: tb.twoD,
        cols: tb.cols,
        rows: tb.rows.map((r) => ({ label: r.label, cells: r.cells, total: r.total })),
        colTotals: tb.colTotals,
        grandTotal: tb.grandTotal,
        withheld: tb.withheld,
      });
    }
    const data: ReportData = {
      lang,
      kind: period.kind,
      periodLabel: period.label,
      periodRange: `${period.from} – ${dayBefore(period.to)}`,
      generatedOn: new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', {
        timeZone: 'Europe/Berlin',
        dateStyle: 'long',
      }).format(new Date()),
      keyFigures: model.keyFigures,
      previousLabel: periodFromCode(period.previous).label,
      lastYearLabel: periodFromCode(period.sameLastYear).label,
      medians: model.medians,
      suppression: view.release.summary,
      tables,
      methodology: view.methodology.text,
    };
    return renderReportPdf(layout, data);
  }

  private async find(id: string, withPdf = false): Promise<PeriodicReportEntity> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new DomainError('not_found');
    const row = await this.reports.findOne({
      where: { id },
      select: { ...this.summaryColumns(), pdf: withPdf },
    });
    if (!row) throw new DomainError('not_found');
    return row;
  }

  private summaryColumns() {
    return {
      id: true,
      periodCode: true,
      kind: true,
      language: true,
      status: true,
      error: true,
      sha256: true,
      attempts: true,
      automatic: true,
      createdAt: true,
      finishedAt: true,
    } as const;
  }

  private summary(r: PeriodicReportEntity): PeriodicReportSummary {
    return {
      id: r.id,
      period: r.periodCode,
      kind: r.kind,
      language: r.language,
      status: r.status,
      error: r.error,
      sha256: r.sha256,
      attempts: r.attempts,
      automatic: r.automatic,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
    };
  }
}

function dayBefore(isoDay: string): string {
  const d = new Date(`${isoDay}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
