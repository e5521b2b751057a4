import { berlinToday } from '../src/modules/intake/report-form.view.js';
import { startApp, type RunningApp } from './support/app.js';
import { Client } from './support/client.js';
import { createStaffUser, firstAdmin } from './support/fixtures.js';
import { validReport } from './support/report-form.js';

interface Row {
  id: string;
  reference: string;
  status: string;
  lifeArea: string | null;
  grounds: string[];
  assignees: string[];
  deadlineDue: string | null;
  lastActivityAt: string;
  createdAt: string;
  openTasks: number;
  nextTaskDue: string | null;
}
interface Page {
  list: string;
  sort: string;
  items: Row[];
  nextCursor: string | null;
  counts: Record<string, number>;
}

const LISTS = ['mine', 'unassigned', 'due_week', 'overdue', 'waiting_partner', 'recent', 'all'];

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The work lists end to end: what each list holds and counts, filters, every sort order, keyset
 * pagination without gaps or repeats, nothing of another organisation, and hostile parameters that
 * are refused (400/422) or find nothing — never a server error.
 */
describe('work lists', () => {
  let t: RunningApp;
  let admin: Client;
  const users: Record<string, { client: Client; id: string }> = {};
  let orgs: { id: string; code: string }[];
  const today = berlinToday();

  async function makeUser(key: string, orgCode: string, role: string) {
    const org = orgs.find((o) => o.code === orgCode)!;
    const created = await createStaffUser(admin, t.url, org.id, key, role);
    const client = created.client;
    users[key] = { client, id: created.id };
  }

  /** a report through the public API, taken from the inbox and opened as a case by `who` */
  async function openCase(who: string, report: Record<string, unknown> = {}, via?: string) {
    const res = await new Client(t.url).request('POST', '/api/v1/reports', {
      json: { ...validReport(), consentStore: true, consentShare: true, ...report },
    });
    expect(res.status).toBe(201);
    const receiver = via ?? who;
    const inbox = (await users[receiver].client.get('/api/v1/inbox')).json() as { id: string }[];
    const reportId = inbox[inbox.length - 1].id;
    if (via) {
      const moved = await users[via].client.api('POST', `/api/v1/inbox/${reportId}/transfer`, {
        organisationCode: 'BNO',
      });
      expect(moved.status).toBe(204);
    }
    const opened = await users[who].client.api('POST', `/api/v1/inbox/${reportId}/open`);
    expect(opened.status).toBe(201);
    return opened.json() as { id: string; reference: string; version: number };
  }

  const c: Record<string, { id: string; reference: string; version: number }> = {};
  const get = (who: string, query: string) => users[who].client.get(`/api/v1/cases${query}`);
  const page = async (who: string, query: string): Promise<Page> => {
    const res = await get(who, query);
    if (res.status !== 200) throw new Error(`${query}: ${res.status} ${res.body.slice(0, 300)}`);
    return res.json();
  };
  /** every row of a list, following nextCursor */
  async function all(who: string, query: string, limit = 100): Promise<Row[]> {
    const out: Row[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const sep = query ? '&' : '';
      const p: Page = await page(
        who,
        `?${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      out.push(...p.items);
      cursor = p.nextCursor;
      if (!cursor) break;
    }
    return out;
  }
  const refs = (rows: Row[]) => rows.map((r) => r.reference).sort();

  async function status(key: string, to: string, closureReason?: string) {
    const res = await users.anna.client.api('POST', `/api/v1/cases/${c[key].id}/status`, {
      status: to,
      version: c[key].version,
      closureReason,
    });
    expect(res.status).toBe(201);
    c[key].version = res.json().version;
  }
  async function assign(key: string, assignees: string[]) {
    const res = await users.anna.client.api('PUT', `/api/v1/cases/${c[key].id}/assignees`, {
      version: c[key].version,
      assignees,
    });
    expect(res.status).toBe(204);
    c[key].version += 1;
  }
  async function assess(key: string, patch: Record<string, unknown>) {
    const res = await users.anna.client.api('PATCH', `/api/v1/cases/${c[key].id}/assessment`, {
      version: c[key].version,
      ...patch,
    });
    expect(res.status).toBe(204);
    c[key].version += 1;
  }
  async function task(key: string, dueDate: string) {
    const res = await users.anna.client.api('POST', `/api/v1/cases/${c[key].id}/tasks`, {
      title: 'Rückruf',
      dueDate,
    });
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    t = await startApp({ INTAKE_RATE_LIMIT_PER_10_MINUTES: '1000' });
    admin = await firstAdmin(t, 'worklists admin passphrase');
    expect(
      (
        await admin.api('POST', '/api/v1/admin/organisations', {
          name: 'Beratung Nord',
          code: 'BNO',
          kind: 'counselling',
        })
      ).status,
    ).toBe(201);
    orgs = (await admin.get('/api/v1/admin/organisations')).json();
    await makeUser('anna', 'SZI', 'counsellor');
    await makeUser('ali', 'SZI', 'counsellor');
    await makeUser('bea', 'BNO', 'counsellor');
    await makeUser('olga', 'SZI', 'officer');

    // SZI: one case per situation a list is about
    c.mine = await openCase('anna', { grounds: ['ethnic_origin'], lifeArea: 'housing' }); // triage, anna
    c.unassigned = await openCase('anna', { grounds: ['religion_belief'], lifeArea: 'employment' });
    await assign('unassigned', []);
    c.referred = await openCase('anna', { grounds: ['ethnic_origin'], lifeArea: 'education' });
    await status('referred', 'open');
    await status('referred', 'referred');
    c.closed = await openCase('anna', { grounds: ['age'], lifeArea: 'other' });
    await status('closed', 'closed', 'counselling_completed');
    c.taskOverdue = await openCase('anna', { lifeArea: 'other' });
    await task('taskOverdue', addDays(today, -2));
    c.taskWeek = await openCase('anna', { lifeArea: 'other' });
    await task('taskWeek', addDays(today, 3));
    await task('taskWeek', addDays(today, 30));
    c.deadlinePassed = await openCase('anna', { grounds: ['ethnic_origin'], lifeArea: 'housing' });
    await assess('deadlinePassed', {
      lifeArea: 'housing',
      whenKind: 'date',
      incidentDate: addDays(today, -400),
      tags: ['miete'],
    });
    c.ali = await openCase('anna', { grounds: ['disability'], lifeArea: 'health_care' });
    await assign('ali', [users.ali.id]);
    // BNO: a case that must never reach SZI
    c.bno = await openCase('bea', { grounds: ['ethnic_origin'], lifeArea: 'housing' }, 'anna');
    // enough further cases to page through
    for (let i = 0; i < 30; i++) c[`bulk${i}`] = await openCase('anna', { lifeArea: 'goods_services' });
  }, 300_000);
  afterAll(() => t?.close());

  it('puts each case in the lists it belongs to, and counts them', async () => {
    const szi = Object.entries(c)
      .filter(([k]) => k !== 'bno')
      .map(([, v]) => v.reference);
    const bulk = Object.entries(c)
      .filter(([k]) => k.startsWith('bulk'))
      .map(([, v]) => v.reference);
    const ref = (...keys: string[]) => keys.map((k) => c[k].reference);

    const mine = await all('anna', 'list=mine');
    expect(refs(mine)).toEqual(
      [...ref('mine', 'referred', 'taskOverdue', 'taskWeek', 'deadlinePassed'), ...bulk].sort(),
    );
    expect(refs(await all('anna', 'list=unassigned'))).toEqual(ref('unassigned'));
    expect(refs(await all('anna', 'list=waiting_partner'))).toEqual(ref('referred'));
    const overdue = await all('anna', 'list=overdue');
    expect(refs(overdue)).toEqual(ref('taskOverdue', 'deadlinePassed').sort());
    const week = await all('anna', 'list=due_week');
    expect(refs(week)).toEqual(ref('taskWeek'));
    expect(week[0]).toMatchObject({ openTasks: 2, nextTaskDue: addDays(today, 3) });
    expect(overdue.find((r) => r.reference === c.deadlinePassed.reference)!.deadlineDue! < today).toBe(true);
    // everything was touched today: "recently updated" is all of them, closed ones included
    expect(refs(await all('anna', 'list=recent'))).toEqual([...szi].sort());
    const everything = await all('anna', 'list=all');
    expect(refs(everything)).toEqual([...szi].sort());
    expect(refs(await all('ali', 'list=mine'))).toEqual(ref('ali'));

    const first = await page('anna', '?list=mine&limit=5');
    expect(first.counts).toEqual({
      mine: mine.length,
      unassigned: 1,
      due_week: 1,
      overdue: 2,
      waiting_partner: 1,
      recent: szi.length,
      all: szi.length,
    });
    expect(first.list).toBe('mine');
    expect(first.items).toHaveLength(5);
    // no list given: all cases
    expect((await page('anna', '')).list).toBe('all');
  });

  it('filters by status, ground, life area, assignee, dates, reference and tag — and counts under the filter', async () => {
    const ref = (...keys: string[]) => keys.map((k) => c[k].reference).sort();
    expect(refs(await all('anna', 'status=referred'))).toEqual(ref('referred'));
    expect(refs(await all('anna', 'status=closed&status=referred'))).toEqual(ref('closed', 'referred'));
    expect(refs(await all('anna', 'status=closed,referred'))).toEqual(ref('closed', 'referred'));
    expect(refs(await all('anna', 'ground=religion_belief'))).toEqual(ref('unassigned'));
    expect(refs(await all('anna', 'ground=ethnic_origin&lifeArea=housing'))).toEqual(
      ref('mine', 'deadlinePassed'),
    );
    expect(refs(await all('anna', 'ground=age&ground=disability'))).toEqual(ref('closed', 'ali'));
    expect(refs(await all('anna', `assignee=${users.ali.id}`))).toEqual(ref('ali'));
    expect(refs(await all('anna', 'tag=miete'))).toEqual(ref('deadlinePassed'));
    expect(refs(await all('anna', `reference=${c.referred.reference.toLowerCase()}`))).toEqual(
      ref('referred'),
    );
    const prefix = c.bulk0.reference.slice(0, -2); // e.g. SZI-2026-00
    const byPrefix = await all('anna', `reference=${prefix.toLowerCase()}`);
    expect(byPrefix.length).toBeGreaterThan(1);
    expect(byPrefix.every((r) => r.reference.startsWith(prefix))).toBe(true);
    expect(await all('anna', `createdFrom=${addDays(today, 1)}`)).toEqual([]);
    expect(await all('anna', `createdTo=${addDays(today, -1)}`)).toEqual([]);
    expect((await all('anna', `createdFrom=${today}&createdTo=${today}`)).length).toBe(
      Object.keys(c).length - 1,
    );
    const filtered = await page('anna', '?list=overdue&lifeArea=housing');
    expect(refs(filtered.items)).toEqual(ref('deadlinePassed'));
    expect(filtered.counts).toMatchObject({ overdue: 1, mine: 2, unassigned: 0, all: 2 });
  });

  it('sorts by activity, deadline, creation and reference', async () => {
    const byActivity = await all('anna', 'sort=activity');
    const activity = byActivity.map((r) => r.lastActivityAt);
    expect(activity).toEqual([...activity].sort().reverse());
    const created = (await all('anna', 'sort=created')).map((r) => r.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    const references = (await all('anna', 'sort=reference')).map((r) => r.reference);
    expect(references).toEqual([...references].sort());
    const deadlines = (await all('anna', 'sort=deadline')).map((r) => r.deadlineDue);
    const withDate = deadlines.filter((d): d is string => d !== null);
    expect(deadlines.slice(0, withDate.length)).toEqual([...withDate].sort());
    expect(deadlines.slice(withDate.length).every((d) => d === null)).toBe(true);
    // the due lists are sorted by deadline unless asked otherwise
    expect((await page('anna', '?list=overdue')).sort).toBe('deadline');
    expect((await page('anna', '?list=mine')).sort).toBe('activity');
  });

  it('pages with an opaque keyset cursor: every case exactly once, in every sort order', async () => {
    const total = (await page('anna', '?list=all')).counts.all;
    expect(total).toBeGreaterThanOrEqual(35);
    for (const sort of ['activity', 'deadline', 'created', 'reference']) {
      const rows = await all('anna', `list=all&sort=${sort}`, 10);
      const ids = rows.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(total);
      // the same order as one big page
      expect(ids).toEqual((await page('anna', `?list=all&sort=${sort}&limit=100`)).items.map((r) => r.id));
    }
    const p = await page('anna', '?list=mine&limit=10');
    expect(p.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    // a cursor belongs to its sort order
    expect((await get('anna', `?list=mine&sort=created&cursor=${p.nextCursor}`)).status).toBe(400);
    // limit bounds
    expect((await get('anna', '?limit=0')).status).toBe(422);
    expect((await get('anna', '?limit=101')).status).toBe(422);
    expect((await page('anna', '?limit=100')).items.length).toBeLessThanOrEqual(100);
  });

  it("never shows another organisation's cases", async () => {
    for (const list of LISTS) {
      const rows = await all('anna', `list=${list}`);
      expect(rows.map((r) => r.id)).not.toContain(c.bno.id);
    }
    expect(await all('anna', `reference=${c.bno.reference}`)).toEqual([]);
    expect(await all('anna', `assignee=${users.bea.id}`)).toEqual([]);
    const bea = await page('bea', '?list=all');
    expect(bea.items.map((r) => r.id)).toEqual([c.bno.id]);
    expect(bea.counts.all).toBe(1);
    expect(bea.counts.mine).toBe(1);
    // a cursor pointing into BNO's cases shows SZI nothing of them
    const beaCursor = (await page('bea', '?list=all&sort=reference&limit=1')).items[0];
    expect(beaCursor.reference.startsWith('BNO-')).toBe(true);
    expect((await get('olga', '?list=all')).status).toBe(403);
    expect((await users.olga.client.get('/staff/cases')).status).toBe(403);
  });

  it('refuses hostile parameters (400/422) or finds nothing — never a server error', async () => {
    const evil = [
      "' OR '1'='1",
      "'; DROP TABLE case_file; --",
      '1) OR (1=1',
      '%',
      '_',
      '\\',
      '{}',
      "open'::text",
      'ARRAY[1]',
      '../../etc/passwd',
      '<script>alert(1)</script>',
      'NULL',
      '9'.repeat(400),
      'é',
    ];
    const params = [
      'list',
      'status',
      'ground',
      'lifeArea',
      'assignee',
      'createdFrom',
      'createdTo',
      'reference',
      'tag',
      'sort',
      'cursor',
      'limit',
      'unknownParameter',
    ];
    const forged = [
      Buffer.from(JSON.stringify(['activity', "2026-01-01' OR 1=1 --", c.mine.id])).toString('base64url'),
      Buffer.from(JSON.stringify(['deadline', '2026-02-31', c.mine.id])).toString('base64url'),
      Buffer.from(JSON.stringify(['activity', null, c.mine.id])).toString('base64url'),
      Buffer.from(JSON.stringify(['activity', '2026-01-01 00:00:00+00', "x' OR 1=1"])).toString('base64url'),
      Buffer.from('not json').toString('base64url'),
    ];
    for (const p of params)
      for (const v of evil) {
        for (const path of ['/api/v1/cases', '/staff/cases']) {
          const res = await users.anna.client.get(`${path}?${p}=${encodeURIComponent(v)}`);
          if (res.status >= 500) throw new Error(`${path}?${p}=${v} answered ${res.status}`);
          if (res.status === 200 && path === '/api/v1/cases') {
            // accepted as a literal value (e.g. a tag or a reference prefix): it matches no case
            expect(['tag', 'reference']).toContain(p);
            expect(res.json().items).toEqual([]);
          } else if (res.status !== 200) {
            expect([400, 422]).toContain(res.status);
          }
        }
      }
    for (const cursor of forged) expect((await get('anna', `?cursor=${cursor}`)).status).toBe(400);
    // impossible calendar dates are refused before they reach PostgreSQL
    for (const d of ['2026-02-31', '0000-01-01', '2026-13-01', '20260101'])
      expect((await get('anna', `?createdFrom=${d}`)).status).toBe(422);
  });

  it('renders the page: tabs with counts, the filter form, the table and a next-page link', async () => {
    const res = await users.anna.client.get('/staff/cases?list=mine&limit=10');
    expect(res.status).toBe(200);
    expect(res.body).toContain('class="kern-table"');
    expect(res.body).toMatch(
      /<div class="kern-table-wrap" role="region" tabindex="0" aria-labelledby="worklist-caption">/,
    );
    expect(res.body).toContain('<caption id="worklist-caption">');
    expect(res.body).toContain('aria-current="page"');
    expect(res.body).toContain('<form method="get" action="/staff/cases"');
    expect(res.body).not.toContain('<script');
    const links = [...res.body.matchAll(/href="\/staff\/cases\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(links).toHaveLength(10);
    // Handlebars escapes & and = in attributes
    const next = /href="([^"]+)" rel="next"/
      .exec(res.body)?.[1]
      .replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');
    expect(next).toMatch(/^\/staff\/cases\?.*cursor=/);
    const second = await users.anna.client.get(next!);
    expect(second.status).toBe(200);
    const secondLinks = [...second.body.matchAll(/href="\/staff\/cases\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(secondLinks.length).toBeGreaterThan(0);
    expect(secondLinks.some((id) => links.includes(id))).toBe(false);
    // the filter form's empty fields mean "any"
    const form = await users.anna.client.get(
      '/staff/cases?list=all&ground=&lifeArea=housing&assignee=&createdFrom=&createdTo=&reference=&tag=&sort=',
    );
    expect(form.status).toBe(200);
    expect(form.body).toContain(c.deadlinePassed.reference);
    expect(form.body).not.toContain(c.bulk0.reference);
    // English
    const en = await users.anna.client.get('/staff/cases?lang=en');
    expect(en.status).toBe(200);
    expect(en.body).toContain('My cases');
  });
});
