import type { CaseStatus } from '../entities/case.entity.js';

/**
 * The work lists' SQL, built as text + positional parameters from whitelisted values only (the DTO
 * checked every value against its vocabulary or pattern; nothing the caller sends is ever spliced into
 * the text). Pure, so the benchmark runs exactly the SQL the service runs.
 *
 * Every statement names `organisation_id = $1` itself; row-level security is the second line.
 * Sorting is keyset-paginated on the index that matches the sort (see migrations WorklistIndexes and
 * WorklistPerformance).
 */

export const LIST_NAMES = [
  'mine',
  'unassigned',
  'due_week',
  'overdue',
  'waiting_partner',
  'recent',
  'all',
] as const;
export type ListName = (typeof LIST_NAMES)[number];

export const SORTS = ['activity', 'deadline', 'created', 'reference'] as const;
export type WorklistSort = (typeof SORTS)[number];

export const PAGE_SIZE_DEFAULT = 25;
export const PAGE_SIZE_MAX = 100;
/** "recently updated": activity within this many days */
export const RECENT_DAYS = 14;
/** "due this week": today and the next seven days */
export const DUE_WINDOW_DAYS = 7;

export interface WorklistFilters {
  status?: CaseStatus[];
  ground?: string[];
  lifeArea?: string[];
  assignee?: string;
  /** Berlin calendar days, YYYY-MM-DD, inclusive */
  createdFrom?: string;
  createdTo?: string;
  /** exact or prefix, case-insensitive (references are upper case) */
  reference?: string;
  tag?: string;
}

export interface WorklistQuery extends WorklistFilters {
  list?: ListName;
  sort?: WorklistSort;
  cursor?: string;
  limit?: number;
}

/** The decoded cursor: the last row's sort key (as PostgreSQL printed it) and id. */
export interface Cursor {
  sort: WorklistSort;
  key: string | null;
  id: string;
}

export interface SqlStatement {
  text: string;
  values: unknown[];
}

export class InvalidCursorError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_PATTERN: Record<WorklistSort, RegExp> = {
  // timestamptz::text, e.g. 2026-11-27 05:42:17.420123+00
  activity: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/,
  created: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/,
  deadline: /^\d{4}-\d{2}-\d{2}$/,
  reference: /^[A-Z0-9-]{1,60}$/,
};

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id]), 'utf8').toString('base64url');
}

/** Opaque to the caller; anything that is not a cursor we issued for this sort is refused. */
export function decodeCursor(raw: string, sort: WorklistSort): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw new InvalidCursorError();
  const [s, key, id] = parsed as unknown[];
  if (s !== sort || typeof id !== 'string' || !UUID.test(id)) throw new InvalidCursorError();
  if (key === null) {
    // only the deadline sort has rows without a key (no deadline: last)
    if (sort !== 'deadline') throw new InvalidCursorError();
    return { sort, key: null, id };
  }
  if (typeof key !== 'string' || !KEY_PATTERN[sort].test(key)) throw new InvalidCursorError();
  return { sort, key, id };
}

/** The sort a list uses unless the caller chooses one: due lists by deadline, the rest by activity. */
export function defaultSort(list: ListName): WorklistSort {
  return list === 'due_week' || list === 'overdue' ? 'deadline' : 'activity';
}

class Params {
  readonly values: unknown[] = [];
  private readonly named = new Map<string, string>();
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
  /** one placeholder per name, numbered where first used (PostgreSQL refuses unused parameters) */
  once(name: string, v: unknown): string {
    let ph = this.named.get(name);
    if (!ph) this.named.set(name, (ph = this.add(v)));
    return ph;
  }
}

interface Scope {
  organisationId: string;
  userId: string;
  /** Berlin today, YYYY-MM-DD */
  today: string;
}

/**
 * Open tasks of the organisation due in a window (ix_case_task_due: organisation, done_at, due_date),
 * used as `c.id = ANY(ARRAY(…))`: an array probed through the primary key.
 */
function openTaskCases(org: string, today: string, kind: 'week' | 'overdue'): string {
  const range =
    kind === 'week'
      ? `t.due_date BETWEEN ${today}::date AND ${today}::date + ${DUE_WINDOW_DAYS}`
      : `t.due_date < ${today}::date`;
  return `SELECT t.case_id FROM case_task t WHERE t.organisation_id = ${org} AND t.done_at IS NULL AND ${range}`;
}

/**
 * "not closed" spelled exactly as the predicate of the partial indexes on open cases (migration
 * WorklistPerformance), so the planner can use them for every open-case list.
 */
const NOT_CLOSED = `c.status <> 'closed'`;

/**
 * A list as disjoint alternatives (OR-ed). Two alternatives — the due lists: by deadline, or else by an
 * open task — are run as a UNION ALL of two index walks that each stop at the LIMIT, instead of one OR
 * that has to collect every matching row before it can sort (and a capped count never starts the second
 * walk when the first reaches the cap). Only leakproof operators (`= ANY`, comparisons),
 * because under row-level security a non-leakproof one (`@>`, `&&`) can never become an index
 * condition and is evaluated only after the policy.
 */
function listAlternatives(list: ListName, p: Params, org: string, scope: Scope): string[] | null {
  const user = () => p.once('user', scope.userId);
  const today = () => p.once('today', scope.today);
  switch (list) {
    case 'mine':
      return [`${NOT_CLOSED} AND ${user()}::uuid = ANY(c.assignees)`];
    case 'unassigned':
      return [`${NOT_CLOSED} AND c.assignees = '{}'::uuid[]`];
    case 'due_week': {
      const byDeadline = `c.deadline_due BETWEEN ${today()}::date AND ${today()}::date + ${DUE_WINDOW_DAYS}`;
      return [
        `${NOT_CLOSED} AND ${byDeadline}`,
        `${NOT_CLOSED} AND c.id = ANY(ARRAY(${openTaskCases(org, today(), 'week')})) AND NOT COALESCE(${byDeadline}, false)`,
      ];
    }
    case 'overdue': {
      const byDeadline = `c.deadline_due < ${today()}::date`;
      return [
        `${NOT_CLOSED} AND ${byDeadline}`,
        `${NOT_CLOSED} AND c.id = ANY(ARRAY(${openTaskCases(org, today(), 'overdue')})) AND NOT COALESCE(${byDeadline}, false)`,
      ];
    }
    case 'waiting_partner':
      return [`c.status = 'referred'`];
    case 'recent':
      return [`c.last_activity_at >= now() - interval '${RECENT_DAYS} days'`];
    case 'all':
      return null;
  }
}

/** the lists that hold only cases that are not closed (counted together, see countsSql) */
const OPEN_LISTS: readonly ListName[] = ['mine', 'unassigned', 'due_week', 'overdue', 'waiting_partner'];

/** Filters shared by the list and the counts; never a narrative or any other encrypted field. */
function filterPredicates(f: WorklistFilters, p: Params): string[] {
  const where: string[] = [];
  if (f.status?.length) where.push(`c.status = ANY(${p.add(f.status)}::text[])`);
  if (f.ground?.length) where.push(`c.grounds && ${p.add(f.ground)}::text[]`);
  if (f.lifeArea?.length) where.push(`c.life_area = ANY(${p.add(f.lifeArea)}::text[])`);
  if (f.assignee) where.push(`${p.add(f.assignee)}::uuid = ANY(c.assignees)`);
  if (f.createdFrom)
    where.push(`c.created_at >= (${p.add(f.createdFrom)}::date)::timestamp AT TIME ZONE 'Europe/Berlin'`);
  if (f.createdTo)
    where.push(`c.created_at < (${p.add(f.createdTo)}::date + 1)::timestamp AT TIME ZONE 'Europe/Berlin'`);
  if (f.reference) {
    // a prefix range on reference COLLATE "C" (ix_case_org_reference); exact is the prefix itself
    const prefix = f.reference.toUpperCase();
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    where.push(`c.reference COLLATE "C" >= ${p.add(prefix)} AND c.reference COLLATE "C" < ${p.add(upper)}`);
  }
  if (f.tag) where.push(`${p.add(f.tag)}::text = ANY(c.tags)`);
  return where;
}

const SORT_SQL: Record<WorklistSort, { key: string; order: string; keyOrder: string }> = {
  activity: {
    key: 'c.last_activity_at',
    order: 'c.last_activity_at DESC, c.id DESC',
    keyOrder: 'u.k DESC, u.id DESC',
  },
  created: { key: 'c.created_at', order: 'c.created_at DESC, c.id DESC', keyOrder: 'u.k DESC, u.id DESC' },
  deadline: {
    key: 'c.deadline_due',
    order: 'c.deadline_due ASC NULLS LAST, c.id ASC',
    keyOrder: 'u.k ASC NULLS LAST, u.id ASC',
  },
  reference: { key: 'c.reference COLLATE "C"', order: 'c.reference COLLATE "C" ASC', keyOrder: 'u.k ASC' },
};

/** Columns of a work-list row (codes and dates only) plus the sort key as text for the cursor. */
const ROW_COLUMNS = `c.id, c.reference, c.status, c.life_area, c.grounds, c.assignees, c.deadline_due::text AS deadline_due,
  c.last_activity_at, c.created_at`;

function keyText(sort: WorklistSort): string {
  switch (sort) {
    case 'activity':
      return 'c.last_activity_at::text';
    case 'created':
      return 'c.created_at::text';
    case 'deadline':
      return 'c.deadline_due::text';
    case 'reference':
      return 'c.reference';
  }
}

const and = (where: (string | null)[]) => where.filter((w): w is string => !!w).join(' AND ');

/**
 * One page of a work list: the rows after the cursor in the sort's order, `limit + 1` of them (the
 * extra row says whether there is a next page), with each case's open-task count and next task date.
 *
 * Two steps: the page's ids and sort keys first — a walk over a narrow (often covering, partial)
 * index that stops after `limit + 1` — then those rows by primary key. Several alternatives (the due
 * lists) or the two halves of a deadline cursor (later deadlines, then none) are a UNION ALL of such
 * walks.
 */
export function pageSql(
  scope: Scope,
  list: ListName,
  sort: WorklistSort,
  f: WorklistFilters,
  cursor: Cursor | null,
  limit: number,
): SqlStatement {
  const p = new Params();
  const org = p.add(scope.organisationId);
  const alternatives = listAlternatives(list, p, org, scope) ?? [null];
  const base = [`c.organisation_id = ${org}`, 'c.erased_at IS NULL', ...filterPredicates(f, p)];
  const take = p.add(limit + 1);
  const s = SORT_SQL[sort];

  let parts: { where: string[]; order: string }[];
  if (!cursor) {
    parts = [{ where: [], order: s.order }];
  } else if (sort === 'deadline') {
    // ASC NULLS LAST: the rows with a later deadline, then (or only, after a null key) the rows without one
    const cid = p.add(cursor.id);
    if (cursor.key === null) {
      parts = [{ where: ['c.deadline_due IS NULL', `c.id > ${cid}::uuid`], order: 'c.id ASC' }];
    } else {
      const k = p.add(cursor.key);
      parts = [
        { where: [`(c.deadline_due, c.id) > (${k}::date, ${cid}::uuid)`], order: s.order },
        { where: ['c.deadline_due IS NULL'], order: 'c.id ASC' },
      ];
    }
  } else if (sort === 'reference') {
    parts = [{ where: [`c.reference COLLATE "C" > ${p.add(cursor.key)}`], order: s.order }];
  } else {
    const k = p.add(cursor.key);
    const cid = p.add(cursor.id);
    parts = [{ where: [`(${s.key}, c.id) < (${k}::timestamptz, ${cid}::uuid)`], order: s.order }];
  }
  const walks = alternatives.flatMap((alt) =>
    parts.map(
      (part) =>
        `SELECT c.id, ${s.key} AS k FROM case_file c WHERE ${and([...base, alt, ...part.where])} ORDER BY ${part.order} LIMIT ${take}`,
    ),
  );
  const keys =
    walks.length === 1
      ? walks[0]
      : `SELECT u.id, u.k FROM (${walks.map((w) => `(${w})`).join(' UNION ALL ')}) u ORDER BY ${s.keyOrder} LIMIT ${take}`;
  return {
    text: `SELECT ${ROW_COLUMNS}, ${keyText(sort)} AS sort_key, tk.open_tasks, tk.next_task_due
      FROM (${keys}) page
      JOIN case_file c ON c.id = page.id AND c.organisation_id = ${org}
      LEFT JOIN LATERAL (
        SELECT count(*)::int AS open_tasks, min(t.due_date)::text AS next_task_due
        FROM case_task t WHERE t.case_id = c.id AND t.organisation_id = ${org} AND t.done_at IS NULL
      ) tk ON true
      ORDER BY ${s.order}`,
    values: p.values,
  };
}

/** counts stop here: "1000+" is as useful on a tab as 271,344, and costs a bounded scan */
export const COUNT_CAP = 1000;
/** with filters, up to this many matching open cases are counted in one pass (see countsSql) */
export const ONE_PASS_MAX = 5000;

/**
 * How many cases each list holds under the current filters, capped at COUNT_CAP (a value above it
 * means "more than COUNT_CAP"). One statement.
 *
 * Each list is a LIMITed walk over the (partial, covering) index that suits it, stopping at the cap:
 * without filters a handful of index-only scans of ≤ 1,001 entries each, however many cases there are.
 * With filters those walks would each run through the same few filtered cases, so the five open-case
 * lists (all seven when the status filter excludes 'closed') are counted in one pass over the
 * filtered open cases instead — as long as there are at most
 * ONE_PASS_MAX of them; above that (broad filters) the capped walks are used after all (a CASE over
 * InitPlans: PostgreSQL runs only the branch it takes).
 */
export function countsSql(scope: Scope, f: WorklistFilters): SqlStatement {
  const p = new Params();
  const org = p.add(scope.organisationId);
  const filters = filterPredicates(f, p);
  const base = [`c.organisation_id = ${org}`, 'c.erased_at IS NULL', ...filters];
  const cap = p.add(COUNT_CAP + 1);
  const capped = (alternatives: (string | null)[]) =>
    alternatives.length === 1
      ? `(SELECT count(*)::int FROM (SELECT 1 FROM case_file c WHERE ${and([...base, alternatives[0]])} LIMIT ${cap}) x)`
      : `(SELECT count(*)::int FROM (${alternatives
          .map((a) => `(SELECT 1 FROM case_file c WHERE ${and([...base, a])})`)
          .join(' UNION ALL ')} LIMIT ${cap}) x)`;
  const alternatives = new Map(LIST_NAMES.map((n) => [n, listAlternatives(n, p, org, scope) ?? [null]]));

  if (!filters.length) {
    const parts = LIST_NAMES.map((n) => `${capped(alternatives.get(n)!)} AS "${n}"`);
    return { text: `SELECT ${parts.join(',\n  ')}`, values: p.values };
  }
  // a status filter without 'closed' makes every list an open-case list
  const onlyOpen = !!f.status?.length && !f.status.includes('closed');
  const parts = LIST_NAMES.map((n) => {
    const alts = alternatives.get(n)!;
    if (!onlyOpen && !OPEN_LISTS.includes(n)) return `${capped(alts)} AS "${n}"`;
    const onePass = `LEAST(${cap}::int, (SELECT count(*)::int FROM open_cases c${alts[0] ? ` WHERE ${alts.map((a) => `(${a})`).join(' OR ')}` : ''}))`;
    return `CASE WHEN w.n <= ${ONE_PASS_MAX} THEN ${onePass} ELSE ${capped(alts)} END AS "${n}"`;
  });
  return {
    text: `WITH open_cases AS MATERIALIZED (
        SELECT c.id, c.status, c.assignees, c.deadline_due, c.last_activity_at FROM case_file c
        WHERE ${and([...base, NOT_CLOSED])} LIMIT ${ONE_PASS_MAX + 1})
      SELECT ${parts.join(',\n  ')}
      FROM (SELECT count(*) AS n FROM open_cases) w`,
    values: p.values,
  };
}
