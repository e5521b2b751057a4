import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Client } from '../support/client.js';
import { createStaffUser, withOwner } from '../support/fixtures.js';
import { stopAll, until } from './support/services.js';
import { startFaultStack, type FaultStack } from './support/stack.js';

/**
 * The worker process is killed (SIGKILL) while it renders a periodic PDF report. To kill it at that
 * moment and not a moment later, the test holds a lock on the case table the rendering reads (the
 * period's statistics are not in the statistics cache yet — nothing asked for them on this fresh
 * database — so the render builds them from the cases): the worker has marked the report `running` and
 * waits inside the rendering when it is killed. After the
 * lock is gone and a new worker has started, the report is produced all the same.
 */
describe('periodic PDF report when the worker is killed while rendering', () => {
  let s: FaultStack;
  let officer: Client;
  const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(
    new Date(),
  );

  beforeAll(async () => {
    s = await startFaultStack('pdf');
    officer = (await createStaffUser(s.admin, s.app.url, s.serviceCentreId, 'olga', 'officer')).client;
    await s.worker.start();
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    stopAll();
  }, 60_000);

  it('produces the report after the worker restarts', async () => {
    const t0 = Date.now();
    const log = (what: string) =>
      process.stderr.write(`[fault c] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}\n`);
    const row = (id: string) =>
      withOwner(s.db.ownerUrl, async (c) => {
        const { rows } = await c.query<{ status: string; sha256: string | null; attempts: number }>(
          'SELECT status, sha256, attempts FROM periodic_report WHERE id = $1',
          [id],
        );
        return rows[0];
      });

    const blocker = new pg.Client({ connectionString: s.db.ownerUrl });
    await blocker.connect();
    let id = '';
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE case_file IN ACCESS EXCLUSIVE MODE');
      const requested = await officer.api('POST', '/api/v1/periodic-reports', {
        period: year,
        language: 'de',
      });
      expect(requested.status).toBe(202);
      id = (requested.json() as { id: string }).id;
      // the worker took the job, marked the report running and waits for the case table inside render()
      await until(
        'the worker to be inside the rendering',
        async () => {
          const waiting = await blocker.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'case_file' AND NOT l.granted`,
          );
          return waiting.rows[0].n > 0 && (await row(id)).status === 'running';
        },
        60_000,
        100,
      );
      await s.worker.kill();
      log('worker killed (SIGKILL) while rendering');
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }

    // nobody renders now: the report stays unfinished and cannot be downloaded
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await row(id)).status).toBe('running');
    expect((await officer.get(`/api/v1/periodic-reports/${id}/pdf`)).status).toBe(409);

    await s.worker.start();
    log('worker started again');
    // the killed job is found stalled (its lock expires) and runs again
    const status = await until(
      'the report to be done',
      async () => {
        const r = (await officer.get(`/api/v1/periodic-reports/${id}`)).json() as {
          status: string;
          error: string | null;
          sha256: string | null;
        };
        return r.status === 'done' || r.status === 'failed' ? r : undefined;
      },
      150_000,
      500,
    );
    log(`report ${status.status}, ${(await row(id)).attempts} attempt(s) recorded`);
    expect(status).toMatchObject({ status: 'done', error: null });

    const raw = await fetch(`${s.app.url}/api/v1/periodic-reports/${id}/pdf`, {
      headers: { cookie: [...officer.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toContain('application/pdf');
    const pdf = Buffer.from(await raw.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const sha = createHash('sha256').update(pdf).digest('hex');
    expect(await row(id)).toMatchObject({ status: 'done', sha256: sha });
    const dir = mkdtempSync(join(tmpdir(), 'anl-fault-pdf-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), pdf);
      const info = execFileSync('pdfinfo', [join(dir, 'r.pdf')], { encoding: 'utf8' });
      expect(info).toMatch(new RegExp(`Title:\\s+Jahresbericht ${year}`));
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('Methodik und Geheimhaltung');
      expect(text).toMatch(/Seite 2 von \d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
