import { validReport } from '../support/report-form.js';
import { matchReceipts, submitReports } from './support/load.js';
import { sleep, stopAll, until } from './support/services.js';
import { startFaultStack, type FaultStack } from './support/stack.js';

const CONCURRENCY = 20;
const OUTAGE_MS = 10_000;
const RECEIPT = /\d{4}-\d{4}-\d{4}-\d{4}/;

/**
 * The test's own PostgreSQL is stopped for 10 s while 20 API clients keep submitting reports. A client
 * that gets 503 sends the same report again with the same Idempotency-Key, as a careful client would.
 */
describe('intake while PostgreSQL is stopped for 10 s', () => {
  let s: FaultStack;
  const events: string[] = [];

  beforeAll(async () => {
    s = await startFaultStack('database', { INTAKE_RATE_LIMIT_PER_10_MINUTES: '100000' });
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    stopAll();
  }, 60_000);

  it('answers 503 without a receipt meanwhile, stores nothing twice, and recovers without restarting the app', async () => {
    const t0 = Date.now();
    const log = (what: string) => {
      events.push(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
      process.stderr.write(`[fault b] ${events.at(-1)}\n`);
    };
    const appPid = s.app.proc.pid;
    let done = 0;
    let finished = false;
    const load = submitReports({
      url: s.app.url,
      total: 100_000,
      concurrency: CONCURRENCY,
      onDone: (n) => (done = n),
      stopped: () => finished,
    });

    await until('the first reports under load', async () => done >= 40, 120_000, 100);
    const beforeOutage = done;
    await s.pg.stop();
    const stoppedAt = Date.now();
    log(`postgres stopped after ${beforeOutage} receipts`);

    // meanwhile: 503 with a clear message and no receipt, the health check says so too
    await sleep(1_000);
    const during = await fetch(`${s.app.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
      body: JSON.stringify({ ...validReport(), consentStore: true }),
    });
    const duringBody = await during.text();
    expect(during.status).toBe(503);
    expect(JSON.parse(duringBody).error).toMatchObject({ code: 'unavailable' });
    expect(duringBody).toContain('Nothing was stored');
    expect(duringBody).not.toMatch(RECEIPT);
    expect((await fetch(`${s.app.url}/health`)).status).toBe(503);
    const doneDuring = done;

    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    await s.pg.start();
    const restartedAt = Date.now();
    log(`postgres started again after ${restartedAt - stoppedAt} ms`);

    // the same app process takes reports again
    await until(
      'reports to be accepted again',
      async () => (await fetch(`${s.app.url}/health`)).status === 200,
      60_000,
    );
    log('health 200 again');
    await until('40 more receipts after the restart', async () => done >= doneDuring + 40, 120_000, 100);
    finished = true;
    const result = await load;
    log(`load stopped: ${result.submissions.length} reports`);
    expect(s.app.proc.exitCode).toBeNull();
    expect(s.app.proc.pid).toBe(appPid);

    const failures = result.submissions.flatMap((x) => x.failures);
    log(
      `${failures.length} refused answers (${[...new Set(failures.map((f) => f.status))].join(', ')}), ` +
        `${result.submissions.filter((x) => x.failures.length > 0).length} reports sent again`,
    );
    // the outage was seen by the clients: 503, each with the message and never a receipt
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((f) => f.status !== 503)).toEqual([]);
    for (const f of failures) {
      expect(JSON.parse(f.body).error.code).toBe('unavailable');
      expect(f.body).not.toMatch(RECEIPT);
    }
    // refusals only while the database was away (plus the moment it takes the pool to reconnect)
    expect(failures.every((f) => f.at >= stoppedAt - 1_000 && f.at <= restartedAt + 30_000)).toBe(true);

    // every report has its receipt, each matches exactly one stored report, and retries stored nothing twice
    const receipts = result.submissions.map((x) => x.receipt!);
    expect(new Set(receipts).size).toBe(result.submissions.length);
    const { stored, matches } = await matchReceipts(s.db.ownerUrl, receipts);
    expect(matches.filter((m) => m !== 1)).toEqual([]);
    expect(stored).toBe(result.submissions.length);
    log('receipts checked');
  }, 420_000);
});
