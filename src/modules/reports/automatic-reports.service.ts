import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { QueueService } from '../queue/queue.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { berlinToday, lastCompleteQuarter, periodFromCode, type Period } from '../statistics/period.js';
import { PeriodicReportsService, REPORT_LANGUAGES } from './periodic-reports.service.js';
import type { ReportLang } from './report-texts.js';
import { CLOCK, type Clock } from '../../common/clock.js';

export const AUTO_REPORTS_QUEUE = 'maintenance';
export const AUTO_REPORTS_JOB = 'periodic-reports-auto';
const HOURLY = 60 * 60_000;

export interface AutomaticRunResult {
  asOf: string;
  /** the languages from `statistics.automatic_report_languages`; empty: automatic reports are off */
  languages: string[];
  /** the finished periods this run looked at (the last quarter and the last year) */
  due: string[];
  /** reports queued by this run, `period/language` */
  created: string[];
}

/** `statistics.automatic_report_languages` ("de", "de,en", "" = off) as a list of report languages. */
export function automaticLanguages(raw: unknown): ReportLang[] {
  if (typeof raw !== 'string') return [];
  const list = raw
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s): s is ReportLang => REPORT_LANGUAGES.includes(s as ReportLang));
  return [...new Set(list)];
}

/**
 * The finished periods an automatic run is due for at `now`: the last quarter and the last year that
 * have ended (Europe/Berlin), provided they ended after `since` (the installation's first account), so
 * a new installation does not begin with reports about a time it did not exist. Only the latest of each
 * kind: after an outage the run catches up the one missed, older ones can be requested by hand.
 */
export function duePeriods(now: Date, since: Date | null): Period[] {
  const today = berlinToday(now);
  const periods = [lastCompleteQuarter(now), periodFromCode(String(Number(today.slice(0, 4)) - 1))];
  if (!since) return [];
  const sinceDay = berlinToday(since);
  return periods.filter((p) => p.to > sinceDay);
}

/**
 * Hourly job `maintenance/periodic-reports-auto`: after a quarter (and a year) has ended, queues its
 * report once per language through the same outbox path as a request (`requestAutomatic`); the
 * render job then mails the officers that a report is ready. Idempotent by the unique index, so two
 * workers or a second run create nothing twice; hourly, so a worker that was down catches up.
 */
@Injectable()
export class AutomaticReportsService implements OnModuleInit {
  private readonly logger = new Logger(AutomaticReportsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly settings: SettingsService,
    private readonly reports: PeriodicReportsService,
    private readonly queues: QueueService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.queues.registerProcessor(AUTO_REPORTS_QUEUE, AUTO_REPORTS_JOB, async () => {
      const r = await this.run();
      if (r.created.length > 0) this.logger.log(`automatic reports queued: ${r.created.join(', ')}`);
    });
    this.queues.registerRepeatable(AUTO_REPORTS_QUEUE, AUTO_REPORTS_JOB, HOURLY);
  }

  async run(now: Date = this.clock.now()): Promise<AutomaticRunResult> {
    const languages = automaticLanguages(
      await this.settings.get<string>('statistics.automatic_report_languages'),
    );
    const result: AutomaticRunResult = { asOf: now.toISOString(), languages, due: [], created: [] };
    if (languages.length === 0) return result;
    const [row] = (await this.db.query(`SELECT min(created_at) AS since FROM staff_user`)) as {
      since: Date | null;
    }[];
    const due = duePeriods(now, row?.since ?? null);
    result.due = due.map((p) => p.code);
    for (const period of due)
      for (const lang of languages)
        if (await this.reports.requestAutomatic(period, lang)) result.created.push(`${period.code}/${lang}`);
    return result;
  }
}
