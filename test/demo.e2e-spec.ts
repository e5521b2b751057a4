import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PROJECT_ROOT } from '../src/common/paths.js';
import { TEST_DATA_KEY } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { REDIS_URL } from './support/env.js';

const run = promisify(execFile);

/** `npm run cli -- demo:seed`: organisations, a login for every role, reports and cases over the taxonomy. */
describe('demo data', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('demo');
  });
  afterAll(() => db.drop());

  it('creates a login for every role and realistic reports and cases, once', async () => {
    const env = {
      PATH: process.env.PATH,
      DATABASE_URL: db.ownerUrl,
      REDIS_URL,
      DATA_KEY: TEST_DATA_KEY,
      QUEUE_PREFIX: `anltest-demo-${process.pid}`,
      LOG_LEVEL: 'error',
    };
    const cli = join(PROJECT_ROOT, 'dist/src/cli.js');
    const { stdout } = await run(process.execPath, [cli, 'demo:seed'], { env });
    for (const role of ['admin', 'counsellor', 'officer', 'partner'])
      expect(stdout).toMatch(new RegExp(`\\n  ${role}\\s+\\S+@demo\\.anlaufstelle\\.local\\s+\\S{16}`));
    expect(stdout).toMatch(/demo data: 36 reports, \d+ cases/);
    const c = new pg.Client({ connectionString: db.ownerUrl });
    await c.connect();
    const statuses = await c.query('SELECT DISTINCT status FROM case_file ORDER BY 1');
    const areas = await c.query(
      'SELECT count(DISTINCT life_area)::int AS n, count(DISTINCT district)::int AS d FROM report',
    );
    await c.end();
    expect(statuses.rows.map((r) => r.status)).toEqual(['closed', 'on_hold', 'open', 'referred', 'triage']);
    expect(areas.rows[0].n).toBeGreaterThanOrEqual(8);
    expect(areas.rows[0].d).toBeGreaterThanOrEqual(5);
    const again = await run(process.execPath, [cli, 'demo:seed'], { env });
    expect(again.stdout).toContain('demo data: 0 reports, 0 cases');
  }, 90_000);
});
