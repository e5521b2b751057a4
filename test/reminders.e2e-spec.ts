import pg from 'pg';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { createStaffUser, firstAdmin, withOwner } from './support/fixtures.js';
import { validReport } from './support/report-form.js';
import { startSmtpSink, type SmtpSink, type SunkMessage } from './support/smtp-sink.js';

/** A calendar date in Europe/Berlin, `days` from today. */
function berlinDate(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * Case reminders end to end, through the outbox to a real SMTP server: a legal deadline coming up
 * reaches every assignee once (the job may run any number of times), an overdue task reaches its
 * assignee once, and no e-mail carries anything about the case.
 */
describe('case reminders', () => {
  let t: RunningApp;
  let sink: SmtpSink;
  let admin: Client;
  const users: Record<string, { client: Client; id: string; email: string }> = {};
  let caseId: string;
  let reference: string;

  const owner = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withOwner(t.db.ownerUrl, fn);

  async function makeUser(key: string) {
    const orgs = (await admin.get('/api/v1/admin/organisations')).json() as { id: string; code: string }[];
    const email = `${key}@example.org`;
    const created = await createStaffUser(
      admin,
      t.url,
      orgs.find((o) => o.code === 'SZI')!.id,
      key,
      'counsellor',
    );
    const client = created.client;
    users[key] = { client, id: created.id, email };
  }

  async function runJob() {
    const res = await admin.api('POST', '/api/v1/admin/reminders/run');
    expect(res.status).toBe(200);
    return res.json() as { deadlineReminders: number; overdueTasks: number; emails: number };
  }

  /** Waits until the outbox has nothing left to send, then a little longer. */
  async function settled(): Promise<SunkMessage[]> {
    for (let i = 0; i < 100; i++) {
      const pending = await owner((c) =>
        c.query(
          `SELECT count(*)::int AS n FROM outbox_message WHERE completed_at IS NULL AND cancelled_at IS NULL`,
        ),
      );
      if (pending.rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 500));
    return [...sink.messages];
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startApp({
      SMTP_URL: sink.url,
      WORKERS_IN_PROCESS: 'true',
      INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000',
    });
    admin = await firstAdmin(t, 'reminders admin passphrase');
    await makeUser('anna');
    await makeUser('ali');
    await makeUser('aylin'); // a colleague on no case: hears nothing

    const res = await new Client(t.url).request('POST', '/api/v1/reports', {
      json: { ...validReport(), consentStore: true, narrative: 'Erzählung MKREMIND7', lifeArea: 'housing' },
    });
    expect(res.status).toBe(201);
    const [report] = (await users.anna.client.get('/api/v1/inbox')).json() as { id: string }[];
    const opened = (await users.anna.client.api('POST', `/api/v1/inbox/${report.id}/open`)).json();
    caseId = opened.id;
    reference = opened.reference;
    expect(
      (
        await users.anna.client.api('PUT', `/api/v1/cases/${caseId}/assignees`, {
          version: opened.version,
          assignees: [users.anna.id, users.ali.id],
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/cases/${caseId}/tasks`, {
          title: 'Aufgabe MKTASK4',
          dueDate: berlinDate(-1),
          assigneeId: users.ali.id,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await users.anna.client.api('POST', `/api/v1/cases/${caseId}/tasks`, {
          title: 'Noch nicht fällig',
          dueDate: berlinDate(5),
          assigneeId: users.anna.id,
        })
      ).status,
    ).toBe(201);
    // the legal deadline is three days away
    await owner((c) =>
      c.query(`UPDATE case_file SET deadline_due = $2 WHERE id = $1`, [caseId, berlinDate(3)]),
    );
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  let reminders: SunkMessage[];

  it('sends one deadline reminder to each assignee and one e-mail for the overdue task, once', async () => {
    const baseline = (await settled()).length; // the "new report" e-mails
    expect(await runJob()).toEqual(
      expect.objectContaining({ deadlineReminders: 1, overdueTasks: 1, emails: 3 }),
    );
    await sink.waitFor(baseline + 3, 20_000);
    expect(await runJob()).toEqual(
      expect.objectContaining({ deadlineReminders: 0, overdueTasks: 0, emails: 0 }),
    );
    const all = await settled();
    reminders = all.slice(baseline);
    expect(reminders).toHaveLength(3);
    const deadline = reminders.filter((m) => /Frist|deadline/.test(m.subject ?? ''));
    const overdue = reminders.filter((m) => /Aufgabe|task/.test(m.subject ?? ''));
    expect(deadline.flatMap((m) => m.to).sort()).toEqual([users.ali.email, users.anna.email].sort());
    expect(overdue.flatMap((m) => m.to)).toEqual([users.ali.email]);
    // both intervals (14 and 3 days) are recorded, so neither is sent later
    const recorded = await owner((c) =>
      c.query(`SELECT days_before FROM case_reminder WHERE case_id = $1 ORDER BY days_before`, [caseId]),
    );
    expect(recorded.rows.map((r: { days_before: number }) => r.days_before)).toEqual([3, 14]);
    const task = await owner((c) =>
      c.query(
        `SELECT count(*)::int AS n FROM case_task WHERE case_id = $1 AND overdue_notified_at IS NOT NULL`,
        [caseId],
      ),
    );
    expect(task.rows[0].n).toBe(1);
  }, 60_000);

  it('carries nothing about the case in the e-mails', () => {
    for (const m of reminders) {
      expect(m.text).toContain('/login');
      for (const secret of ['MKREMIND7', 'MKTASK4', reference, caseId, berlinDate(3)])
        expect(m.raw).not.toContain(secret);
    }
  });

  it('reminds again when the deadline moves, and not for closed cases', async () => {
    const before = (await settled()).length;
    await owner((c) =>
      c.query(`UPDATE case_file SET deadline_due = $2 WHERE id = $1`, [caseId, berlinDate(10)]),
    );
    expect(await runJob()).toEqual(expect.objectContaining({ deadlineReminders: 1, emails: 2 }));
    await sink.waitFor(before + 2, 20_000);
    await owner((c) =>
      c.query(`UPDATE case_file SET deadline_due = $2, status = 'closed' WHERE id = $1`, [
        caseId,
        berlinDate(2),
      ]),
    );
    expect(await runJob()).toEqual(expect.objectContaining({ deadlineReminders: 0, emails: 0 }));
    expect((await settled()).length).toBe(before + 2);
  }, 60_000);
});
