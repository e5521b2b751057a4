import pg from 'pg';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { createStaffUser, firstAdmin, withOwner } from './support/fixtures.js';
import { validReport } from './support/report-form.js';

const berlin = (part: 'year' | 'month') =>
  Number(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', [part]: 'numeric' }).format(new Date()),
  );
const YEAR = berlin('year');
/** a month two years back: in no comparison period of this year's release (those reach back one year) */
const OLD_MONTH = `${YEAR - 2}-03`;

interface Entry {
  version: string;
  computedAt: string;
}

/**
 * The statistics cache (migration StatisticsCache, src/modules/statistics/statistics-cache.ts): the
 * officer gets the release from the cache while nothing it counts has changed, and never a release
 * that misses a committed change — whichever way the change reached the database (the app's API, a
 * counsellor's note that must *not* invalidate, SQL behind the app's back, a transaction that was
 * still open while the release was built, a case that stops counting and so changes the months of its
 * interventions), a settings change, and the refresh job that compacts the change log.
 */
describe('statistics cache', () => {
  let t: RunningApp;
  let admin: Client;
  let anna: Client;
  let olga: Client;
  const caseIds: string[] = [];

  const owner = <T>(fn: (c: pg.Client) => Promise<T>) => withOwner(t.db.ownerUrl, fn);
  const entry = async (code: string): Promise<Entry | null> => {
    const { rows } = await owner((c) =>
      c.query(
        `SELECT version::text, computed_at::text AS "computedAt" FROM statistics_release WHERE period_code = $1`,
        [code],
      ),
    );
    return rows[0] ?? null;
  };
  const stats = async (code: string) => {
    const res = await olga.get(`/api/v1/statistics?period=${code}`);
    expect(res.status).toBe(200);
    return res.json();
  };
  const keyFigure = (s: { keyFigures: { unit: string; current: unknown }[] }, unit: string) =>
    s.keyFigures.find((k) => k.unit === unit)!.current;
  const cell = (s: { release: { tables: any[] } }, table: string, row: string) => {
    const tb = s.release.tables.find((x) => x.id === table);
    const i = tb.rows.indexOf(row);
    return i < 0 ? null : tb.cells[i][0];
  };

  beforeAll(async () => {
    t = await startApp({ INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    admin = await firstAdmin(t, 'statistics cache admin passphrase');
    const [szi] = (await admin.get('/api/v1/admin/organisations')).json();
    anna = (await createStaffUser(admin, t.url, szi.id, 'anna', 'counsellor')).client;
    olga = (await createStaffUser(admin, t.url, szi.id, 'olga', 'officer')).client;
    // twelve reports, all housing, opened as cases by the counsellor
    for (let i = 0; i < 12; i++) {
      const res = await new Client(t.url).request('POST', '/api/v1/reports', {
        json: { ...validReport(), consentStore: true, lifeArea: 'housing' },
      });
      expect(res.status).toBe(201);
    }
    for (const r of (await anna.get('/api/v1/inbox')).json()) {
      const opened = await anna.api('POST', `/api/v1/inbox/${r.id}/open`);
      expect(opened.status).toBe(201);
      caseIds.push(opened.json().id);
    }
    expect(caseIds).toHaveLength(12);
  }, 120_000);
  afterAll(() => t?.close());

  it('serves an unchanged release from the cache and rebuilds it when a counted code changes', async () => {
    const first = await stats(String(YEAR));
    expect(keyFigure(first, 'cases')).toEqual({ value: 12 });
    const built = await entry(String(YEAR));
    expect(built).not.toBeNull();

    // asked again: the same release, not built again
    expect(await stats(String(YEAR))).toEqual(first);
    expect(await entry(String(YEAR))).toEqual(built);

    // a note changes nothing the statistics count: still the cached release
    const note = await anna.api('POST', `/api/v1/cases/${caseIds[0]}/notes`, {
      body: 'Rückruf vereinbart',
      visibility: 'team',
    });
    expect(note.status).toBe(201);
    await stats(String(YEAR));
    expect(await entry(String(YEAR))).toEqual(built);

    // the counsellor classifies six cases as employment: the next request shows it
    for (const id of caseIds.slice(0, 6)) {
      const { version } = (await anna.get(`/api/v1/cases/${id}`)).json();
      expect(
        (await anna.api('PATCH', `/api/v1/cases/${id}/assessment`, { lifeArea: 'employment', version }))
          .status,
      ).toBe(204);
    }
    const after = await stats(String(YEAR));
    expect(cell(after, 'cases.life_areas', 'employment')).toEqual({ value: 6 });
    expect(cell(after, 'cases.life_areas', 'housing')).toEqual({ value: 6 });
    expect((await entry(String(YEAR)))!.version).not.toBe(built!.version);
  });

  it('rebuilds for changes in the months it reads, not for changes in other months', async () => {
    // a case moved (behind the app's back) two years back leaves this year: rebuilt
    await owner((c) =>
      c.query(`UPDATE case_file SET created_at = $2::date + time '12:00' WHERE id = $1`, [
        caseIds[11],
        `${OLD_MONTH}-10`,
      ]),
    );
    expect(keyFigure(await stats(String(YEAR)), 'cases')).toEqual({ value: 11 });
    const built = await entry(String(YEAR));
    // moved again within that old month's year: this year's release reads none of those months
    await owner((c) =>
      c.query(`UPDATE case_file SET created_at = $2::date + time '12:00' WHERE id = $1`, [
        caseIds[11],
        `${OLD_MONTH}-20`,
      ]),
    );
    await stats(String(YEAR));
    expect(await entry(String(YEAR))).toEqual(built);
    // the old month's own release does count it
    expect(keyFigure(await stats(OLD_MONTH), 'cases')).toEqual({ hidden: 'primary', label: '<5' });
  });

  it('never keeps a release that misses a transaction which was still open when it was built', async () => {
    const a = new pg.Client({ connectionString: t.db.ownerUrl });
    const b = new pg.Client({ connectionString: t.db.ownerUrl });
    await a.connect();
    await b.connect();
    try {
      // A starts first and stays open; B starts later and commits first (change rows arrive out of order)
      await a.query('BEGIN');
      await a.query(`UPDATE case_file SET life_area = 'education' WHERE id = ANY($1)`, [
        caseIds.slice(6, 11),
      ]);
      await b.query('BEGIN');
      await b.query(`UPDATE case_file SET level = 'structural' WHERE id = $1`, [caseIds[0]]);
      await b.query('COMMIT');
      // built now: sees B, not A
      const during = await stats(String(YEAR));
      expect(cell(during, 'cases.life_areas', 'housing')).toEqual({ value: 5 });
      await a.query('COMMIT');
      // A committed: the next request must show it, not the release cached a moment ago
      const after = await stats(String(YEAR));
      expect(cell(after, 'cases.life_areas', 'education')).toEqual({ value: 5 });
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('rebuilds the months of interventions when their case stops counting', async () => {
    // five interventions on cases created this year, recorded (behind the app's back) in the old month
    for (const id of caseIds.slice(0, 5))
      expect(
        (
          await anna.api('POST', `/api/v1/cases/${id}/interventions`, {
            type: 'counselling_talk',
            date: `${OLD_MONTH}-15`,
            description: 'Gespräch',
          })
        ).status,
      ).toBe(201);
    await owner((c) =>
      c.query(
        `UPDATE case_entry SET at = $2::date + time '10:00' WHERE kind = 'intervention' AND case_id = ANY($1)`,
        [caseIds.slice(0, 5), `${OLD_MONTH}-15`],
      ),
    );
    const before = await stats(OLD_MONTH);
    expect(
      before.release.tables.find((x: { id: string }) => x.id === 'cases.interventions').grandTotal,
    ).toEqual({
      value: 5,
    });
    // one of those cases opts out of statistics (the update touches only the case row, dated this year)
    await owner((c) => c.query(`UPDATE case_file SET statistics_opt_out = true WHERE id = $1`, [caseIds[0]]));
    const after = await stats(OLD_MONTH);
    expect(
      after.release.tables.find((x: { id: string }) => x.id === 'cases.interventions').grandTotal,
    ).not.toEqual({
      value: 5,
    });
  });

  it('rebuilds when the disclosure settings change', async () => {
    const before = await stats(String(YEAR));
    expect(before.thresholds.base).toBe(5);
    // six employment cases, one of which opted out above
    expect(cell(before, 'cases.life_areas', 'employment')).toEqual({ value: 5 });
    const threshold = (value: number) =>
      admin.api('PUT', '/api/v1/settings/statistics.suppression_threshold', { value });
    expect((await threshold(7)).status).toBe(200);
    try {
      const s = await stats(String(YEAR));
      expect(s.thresholds.base).toBe(7);
      // five is below the new threshold: no longer published
      expect(cell(s, 'cases.life_areas', 'employment')).not.toEqual({ value: 5 });
    } finally {
      expect((await threshold(5)).status).toBe(200);
    }
  });

  it('refresh: compacts the change log without changing a version, and rebuilds what an officer opened', async () => {
    await stats(String(YEAR));
    const built = await entry(String(YEAR));
    const logged = await owner((c) => c.query(`SELECT count(*)::int AS n FROM statistics_change`));
    expect(logged.rows[0].n).toBeGreaterThan(0);

    // only an admin may run it
    expect((await olga.api('POST', '/api/v1/admin/statistics/refresh')).status).toBe(403);
    const first = await admin.api('POST', '/api/v1/admin/statistics/refresh');
    expect(first.status).toBe(200);
    expect(first.json().compacted).toBe(logged.rows[0].n);
    expect(first.json().periods).toEqual(expect.arrayContaining([String(YEAR), OLD_MONTH]));
    const left = await owner((c) => c.query(`SELECT count(*)::int AS n FROM statistics_change`));
    expect(left.rows[0].n).toBe(0);
    // the version is unchanged by compaction: the officer still gets the cached release
    await stats(String(YEAR));
    expect(await entry(String(YEAR))).toEqual(built);

    // a change this year: the refresh rebuilds this year's release, so the officer's next request is a hit
    const { version } = (await anna.get(`/api/v1/cases/${caseIds[1]}`)).json();
    expect(
      (await anna.api('PATCH', `/api/v1/cases/${caseIds[1]}/assessment`, { level: 'institutional', version }))
        .status,
    ).toBe(204);
    const second = (await admin.api('POST', '/api/v1/admin/statistics/refresh')).json();
    expect(second.rebuilt).toContain(String(YEAR));
    expect(second.rebuilt).not.toContain(OLD_MONTH);
    const rebuilt = await entry(String(YEAR));
    expect(rebuilt!.version).not.toBe(built!.version);
    const s = await stats(String(YEAR));
    expect(await entry(String(YEAR))).toEqual(rebuilt);
    // and it is the release with the change: one institutional case, shown as "<5" (it was 0)
    expect(cell(s, 'cases.levels', 'institutional')).toEqual({ hidden: 'primary', label: '<5' });
  });
  it('aggregates again only the months that changed, and publishes what a build from scratch publishes', async () => {
    const year = String(YEAR);
    const parts = async () =>
      new Map(
        (
          await owner((c) =>
            c.query(
              `SELECT to_char(month, 'YYYY-MM') AS month, computed_at::text AS at, detail IS NOT NULL AS detail
                 FROM statistics_month_part`,
            ),
          )
        ).rows.map((r) => [r.month as string, r]),
      );
    await stats(year);
    const before = await parts();
    // every month the year's release reads: its twelve with detail, the year before for its key figures
    for (let m = 1; m <= 12; m++) {
      const month = (y: number) => `${y}-${String(m).padStart(2, '0')}`;
      expect(before.get(month(YEAR))?.detail).toBe(true);
      expect(before.has(month(YEAR - 1))).toBe(true);
    }

    // a counsellor reclassifies a case opened this month: only this month is aggregated again
    const { version } = (await anna.get(`/api/v1/cases/${caseIds[2]}`)).json();
    expect(
      (await anna.api('PATCH', `/api/v1/cases/${caseIds[2]}/assessment`, { level: 'structural', version }))
        .status,
    ).toBe(204);
    const after = await stats(year);
    const now = await parts();
    const thisMonth = `${YEAR}-${String(berlin('month')).padStart(2, '0')}`;
    expect([...now].filter(([m, r]) => r.at !== before.get(m)?.at).map(([m]) => m)).toEqual([thisMonth]);

    // the same release as one built with no part and no release cached
    await owner((c) => c.query(`DELETE FROM statistics_month_part; DELETE FROM statistics_release`));
    expect(await stats(year)).toEqual(after);
  });
  it('refresh drops the month parts whose month changed since, also of periods nobody opens any more', async () => {
    const part = async (month: string) =>
      (
        await owner((c) =>
          c.query(`SELECT version::text FROM statistics_month_part WHERE month = $1::date`, [`${month}-01`]),
        )
      ).rows[0] ?? null;
    await stats(OLD_MONTH);
    const made = await part(OLD_MONTH);
    expect(made).not.toBeNull();
    // nobody has opened the old month for a month: the refresh does not keep it warm
    await owner((c) =>
      c.query(
        `UPDATE statistics_release SET last_read_at = now() - interval '30 days' WHERE period_code = $1`,
        [OLD_MONTH],
      ),
    );
    // a case of that month is deleted (behind the app's back, as an erasure by SQL would)
    await owner((c) =>
      c.query(`DELETE FROM case_file WHERE id = $1 AND created_at < $2::date`, [
        caseIds[11],
        `${YEAR - 1}-01-01`,
      ]),
    );
    const r = (await admin.api('POST', '/api/v1/admin/statistics/refresh')).json();
    expect(r.periods).not.toContain(OLD_MONTH);
    expect(r.droppedParts).toBeGreaterThanOrEqual(1);
    // the part that still counted the deleted case is gone, not just outdated
    expect(await part(OLD_MONTH)).toBeNull();
    // asked again, the month is aggregated from what is there now
    expect(keyFigure(await stats(OLD_MONTH), 'cases')).toEqual({ value: 0 });
    expect((await part(OLD_MONTH))!.version).not.toBe(made.version);
  });
});
