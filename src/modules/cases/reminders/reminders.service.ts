import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { berlinToday } from '../../intake/report-form.view.js';
import { IntakeService } from '../../intake/intake.service.js';
import { STAFF_EMAIL_TEMPLATES, type StaffEmailTemplate } from '../../notifications/mail.service.js';
import { StaffEmailProcessor } from '../../notifications/staff-email.processor.js';
import { QueueService } from '../../queue/queue.service.js';
import { SettingsService } from '../../settings/settings.service.js';
import { asSystem } from '../case-access.js';
import { passedReminders } from './reminder-dates.js';

export const REMINDERS_QUEUE = 'maintenance';
export const REMINDERS_JOB = 'case-reminders';
const HOURLY = 60 * 60_000;

// until mail.service.ts lists them (the lead adds them to STAFF_EMAIL_TEMPLATES)
const DEADLINE_REMINDER = 'deadline-reminder' as StaffEmailTemplate;
const TASK_OVERDUE = 'task-overdue' as StaffEmailTemplate;

export interface RemindersRunResult {
  today: string;
  deadlineReminders: number;
  overdueTasks: number;
  emails: number;
}

/**
 * Hourly: reminders before a legal deadline (setting `reminders.deadline_days`) to each assignee of
 * a case that is not closed, and one e-mail per overdue task to its assignee. E-mails go through the
 * outbox and say only that something is waiting; what was sent is recorded (case_reminder,
 * case_task.overdue_notified_at) in the same transaction, so a second run sends nothing again.
 */
@Injectable()
export class RemindersService implements OnModuleInit {
  private readonly logger = new Logger(RemindersService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly settings: SettingsService,
    private readonly staffEmail: StaffEmailProcessor,
    private readonly intake: IntakeService,
    private readonly queues: QueueService,
  ) {}

  /** The e-mail templates must be known to the staff e-mail processor, or it would drop the jobs. */
  static templatesReady(): boolean {
    const known = STAFF_EMAIL_TEMPLATES as readonly string[];
    return known.includes(DEADLINE_REMINDER) && known.includes(TASK_OVERDUE);
  }

  onModuleInit(): void {
    if (!RemindersService.templatesReady()) {
      // recording a reminder as sent while the processor drops its e-mail would lose it silently
      this.logger.error(
        'reminder e-mails are not in STAFF_EMAIL_TEMPLATES: the case-reminders job is not registered',
      );
      return;
    }
    this.queues.registerProcessor(REMINDERS_QUEUE, REMINDERS_JOB, async () => {
      const r = await this.run();
      this.logger.log(
        `case reminders ${r.today}: ${r.deadlineReminders} deadline reminders, ${r.overdueTasks} overdue tasks, ${r.emails} e-mails queued`,
      );
    });
    this.queues.registerRepeatable(REMINDERS_QUEUE, REMINDERS_JOB, HOURLY);
  }

  async run(now: Date = new Date()): Promise<RemindersRunResult> {
    if (!RemindersService.templatesReady())
      throw new Error('reminder e-mail templates are not registered in STAFF_EMAIL_TEMPLATES');
    const today = berlinToday(now);
    const days = await this.settings.get<number[]>('reminders.deadline_days');
    const result: RemindersRunResult = { today, deadlineReminders: 0, overdueTasks: 0, emails: 0 };

    const cases = await asSystem(
      this.db,
      (m) =>
        m.query(
          `SELECT id, deadline_due::text AS due FROM case_file
            WHERE erased_at IS NULL AND status <> 'closed' AND deadline_due IS NOT NULL AND deadline_due > $1::date`,
          [today],
        ) as Promise<{ id: string; due: string }[]>,
    );
    for (const c of cases) {
      const passed = passedReminders(c.due, today, days);
      if (passed.length === 0) continue;
      await asSystem(this.db, async (m) => {
        // re-read under a lock: the deadline may have moved, the case closed or been erased meanwhile
        const [row] = (await m.query(
          `SELECT organisation_id, assignees, deadline_due::text AS due FROM case_file
            WHERE id = $1 AND erased_at IS NULL AND status <> 'closed' FOR UPDATE`,
          [c.id],
        )) as { organisation_id: string; assignees: string[]; due: string | null }[];
        if (!row || row.due !== c.due) return;
        const inserted = (await m.query(
          `INSERT INTO case_reminder (case_id, due_date, days_before)
             SELECT $1, $2::date, d FROM unnest($3::int[]) AS d
           ON CONFLICT DO NOTHING RETURNING days_before`,
          [c.id, c.due, passed],
        )) as { days_before: number }[];
        // send only when the nearest passed interval is new: one e-mail, never a burst of catch-ups
        if (!inserted.some((r) => r.days_before === passed[passed.length - 1])) return;
        result.deadlineReminders++;
        if (row.assignees.length === 0) {
          // nobody assigned: a legal deadline must not pass unnoticed, so the whole team hears of it
          await this.intake.notifyCounsellors(m, row.organisation_id, DEADLINE_REMINDER);
          result.emails++;
          return;
        }
        for (const userId of new Set(row.assignees)) {
          await this.staffEmail.queue(m, userId, DEADLINE_REMINDER);
          result.emails++;
        }
      });
    }

    const tasks = await asSystem(
      this.db,
      (m) =>
        m.query(
          `SELECT t.id FROM case_task t JOIN case_file c ON c.id = t.case_id
            WHERE t.due_date < $1::date AND t.done_at IS NULL AND t.overdue_notified_at IS NULL
              AND c.erased_at IS NULL AND c.status <> 'closed'`,
          [today],
        ) as Promise<{ id: string }[]>,
    );
    for (const t of tasks) {
      await asSystem(this.db, async (m) => {
        // TypeORM answers an UPDATE with [rows, affected]
        const [rows] = (await m.query(
          `UPDATE case_task SET overdue_notified_at = now()
            WHERE id = $1 AND done_at IS NULL AND overdue_notified_at IS NULL
            RETURNING assignee_id`,
          [t.id],
        )) as [{ assignee_id: string | null }[], number];
        const task = rows[0];
        if (!task) return;
        result.overdueTasks++;
        if (task.assignee_id) {
          await this.staffEmail.queue(m, task.assignee_id, TASK_OVERDUE);
          result.emails++;
        }
      });
    }
    return result;
  }
}
