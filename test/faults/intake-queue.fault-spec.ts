import { withOwner } from '../support/fixtures.js';
import { matchReceipts, submitReports } from './support/load.js';
import { stopAll, until } from './support/services.js';
import { startFaultStack, type FaultStack } from './support/stack.js';

// FAULT_REPORTS scales the run down while debugging; CI runs the full 2,000
const TOTAL = Number(process.env.FAULT_REPORTS ?? 2_000);
const at = (share: number) => Math.round((TOTAL * share) / 8);
const CONCURRENCY = 20;

/**
 * 2,000 reports through the JSON API at concurrency 20 while the queue side fails: the test's own
 * Redis is stopped and restarted (without persistence, so every queued job is lost) twice and the
 * worker process is killed (SIGKILL) once and started again. The outbox must make up for all of it.
 */
describe('intake while Redis restarts twice and the worker is killed', () => {
  let s: FaultStack;
  const events: string[] = [];

  beforeAll(async () => {
    s = await startFaultStack('queue', { INTAKE_RATE_LIMIT_PER_10_MINUTES: '100000' });
    // exactly one counsellor at the service centre: one "new report" e-mail per report
    await s.admin.api('POST', '/api/v1/admin/users', {
      organisationId: s.serviceCentreId,
      email: 'counsellor@example.org',
      displayName: 'Counsellor',
      role: 'counsellor',
    });
    await s.worker.start();
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    stopAll();
  }, 60_000);

  it('gives every report one receipt and sends every e-mail at least once, re-deliveries with the same Message-ID', async () => {
    const t0 = Date.now();
    const log = (what: string) => {
      events.push(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
      process.stderr.write(`[fault a] ${events.at(-1)}\n`);
    };
    // faults at fixed points of the load, so every run exercises the same sequence
    const faults: [number, () => Promise<void>][] = [
      [
        at(1),
        async () => {
          await s.redis.stop();
          log('redis stopped');
        },
      ],
      [
        at(2),
        async () => {
          await s.redis.start();
          log('redis started (empty)');
        },
      ],
      [
        at(3),
        async () => {
          const active = await undoneMails(s);
          await s.worker.kill();
          log(`worker killed (SIGKILL) with ${active} e-mails undone`);
        },
      ],
      [
        at(4),
        async () => {
          await s.worker.start();
          log('worker started again');
        },
      ],
      [
        at(5),
        async () => {
          await s.redis.stop();
          log('redis stopped');
        },
      ],
      [
        at(6),
        async () => {
          await s.redis.start();
          log('redis started (empty)');
        },
      ],
    ];
    let chain = Promise.resolve();
    let nextFault = 0;
    const load = await submitReports({
      url: s.app.url,
      total: TOTAL,
      concurrency: CONCURRENCY,
      onDone(done) {
        if (done % 250 === 0) log(`${done} receipts`);
        while (nextFault < faults.length && done >= faults[nextFault][0]) {
          const [, fault] = faults[nextFault++];
          chain = chain.then(fault);
        }
      },
    });
    await chain;
    log(`${TOTAL} reports submitted in ${load.ms} ms`);

    // no error answer at all: Redis and the worker are not on the intake path (a client-side timeout
    // on a busy machine is sent again with the same Idempotency-Key and must get the same receipt)
    const receipts = load.submissions.map((x) => x.receipt!);
    expect(load.submissions.flatMap((x) => x.statuses).filter((st) => st >= 300)).toEqual([]);
    log(
      `${load.submissions.filter((x) => x.statuses.length > 1).length} reports sent again after a client timeout`,
    );
    expect(new Set(receipts).size).toBe(TOTAL);

    // every receipt matches exactly one stored report, and nothing else was stored; checked (argon2id,
    // as the mailbox login does) while the e-mails are still on their way
    const receiptCheck = matchReceipts(s.db.ownerUrl, receipts).then((r) => {
      log('receipts checked');
      return r;
    });
    receiptCheck.catch(() => undefined);

    // every e-mail arrives; a re-delivery carries the Message-ID of its first delivery
    const mailRows = await withOwner(s.db.ownerUrl, async (c) =>
      Number(
        (
          await c.query<{ n: string }>(
            `SELECT count(*) AS n FROM outbox_message WHERE queue = 'notifications' AND name = 'staff-email'`,
          )
        ).rows[0].n,
      ),
    );
    expect(mailRows).toBe(TOTAL);
    const distinct = () => new Set(s.smtp.messages.map((m) => m.messageId));
    let lastLog = Date.now();
    await until(
      'every e-mail to reach the SMTP sink',
      async () => {
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log(`${distinct().size} distinct e-mails so far, ${await undoneMails(s)} outbox rows undone`);
        }
        return distinct().size >= TOTAL;
      },
      300_000,
      500,
    );
    log(`${s.smtp.messages.length} e-mails received, ${distinct().size} distinct Message-IDs`);
    expect(distinct().size).toBe(TOTAL);
    const byId = new Map<string, string[]>();
    for (const m of s.smtp.messages) {
      expect(m.messageId).toMatch(/^<outbox-\d+@[^>]+>$/);
      expect(m.to).toEqual(['counsellor@example.org']);
      byId.set(m.messageId!, [...(byId.get(m.messageId!) ?? []), `${m.subject}\n${m.text}`]);
    }
    // duplicates are the same message, not a second one
    for (const copies of byId.values()) expect(new Set(copies).size).toBe(1);
    // the outbox agrees: every e-mail row is done
    await until('every outbox row to be completed', () => undoneMails(s).then((n) => n === 0), 30_000);
    const { stored, matches } = await receiptCheck;
    expect(stored).toBe(TOTAL);
    expect(matches.filter((m) => m !== 1)).toEqual([]);
    const duplicates = s.smtp.messages.length - distinct().size;
    log(`${duplicates} duplicate deliveries`);
  }, 900_000);
});

async function undoneMails(s: FaultStack): Promise<number> {
  return withOwner(s.db.ownerUrl, async (c) =>
    Number(
      (
        await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM outbox_message WHERE queue = 'notifications' AND completed_at IS NULL`,
        )
      ).rows[0].n,
    ),
  );
}
