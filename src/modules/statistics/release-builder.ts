/**
 * Builds the statistics release of one period from code-only rows (no narrative, no free text ever
 * reaches this module) and runs disclosure control over it. Pure and deterministic: the same rows
 * give the same output (rows in vocabulary order, extra codes sorted by code).
 */
import { CASE_STATUSES } from '../cases/entities/case.entity.js';
import {
  CHANNELS,
  FORMS,
  GROUNDS,
  INTERVENTION_TYPES,
  LEVELS,
  LIFE_AREAS,
  OUTCOMES,
  PERPETRATOR_TYPES,
  REPORTER_ROLES,
  SERVICE_TYPES,
  SPECIAL_PLACES,
} from '../../common/domain/vocabulary.js';
import { REFERRAL_STATUSES } from '../referrals/referrals.constants.js';
import {
  linkGrandTotals,
  linkPeriodsToTotal,
  linkSharedRowTotals,
  mergeRareCategories,
  suppress,
  thresholdFor,
  type CountUnit,
  type LinearConstraint,
  type PublishedEntry,
  type PublishedRelease,
  type PublishedTable,
  type Release,
  type Table,
  type ThresholdSettings,
} from './disclosure/index.js';
import type { Period } from './period.js';

/** One counted case: its codes only. */
export interface CaseCodes {
  grounds: string[];
  forms: string[];
  level: string | null;
  lifeArea: string | null;
  perpetratorType: string | null;
  district: string | null;
  status: string;
  outcome: string | null;
  /** 1..4, the quarter (Berlin time) the case was opened in */
  quarter: number;
}

/** One counted report: its codes only. */
/**
 * What the builder counts of the cases of a period, already tallied: each map gives the number of cases
 * (or mentions) per code, `not_recorded` for a missing value, only codes that occur. The service gets
 * these from SQL (GROUPING SETS: a few hundred rows instead of one per case); `tallyCases` makes them
 * from case rows — the reference the SQL is tested against, and what the unit tests feed.
 */
export interface CaseTallies {
  /** mentions: each distinct ground of a case once */
  grounds: Map<string, number>;
  /** mentions: each distinct form of a case once */
  forms: Map<string, number>;
  level: Map<string, number>;
  lifeArea: Map<string, number>;
  perpetratorType: Map<string, number>;
  district: Map<string, number>;
  status: Map<string, number>;
  outcome: Map<string, number>;
  /** [life area, quarter 1..4, cases] */
  lifeAreaByQuarter: Array<[string, number, number]>;
  /** [ground, district, mentions] (each distinct ground of a case once) */
  groundByDistrict: Array<[string, string, number]>;
}

export interface ReportCodes {
  channel: string;
  reporterRole: string;
  lifeArea: string;
  /** how many reports have these codes (default 1) */
  n?: number;
}

/** One counted referral (sent in the period; drafts never count): its codes only. */
export interface ReferralCodes {
  serviceType: string;
  status: string;
  outcome: string | null;
  /** how many referrals have these codes (default 1) */
  n?: number;
}

export interface UnitCounts {
  reports: number;
  incidents: number;
  cases: number;
}

export interface StatisticsInput {
  period: Period;
  /** the period's counted cases, as rows or already tallied */
  cases: CaseCodes[] | CaseTallies;
  reports: ReportCodes[];
  incidents: number;
  /** intervention entries in the period, by type */
  interventions: Record<string, number>;
  /** referrals sent in the period (of counted cases) */
  referrals: ReferralCodes[];
  previous: UnitCounts;
  sameLastYear: UnitCounts;
  /** cases of the period with a first response / a closure, and the median in days */
  firstResponse: { n: number; medianDays: number | null };
  closure: { n: number; medianDays: number | null };
  /** the installation's district codes, in their configured order */
  districts: string[];
  thresholds: ThresholdSettings;
}

/** What a table's rows and columns are (for labels); never part of the suppression. */
export type Dimension =
  | 'total'
  | 'grounds'
  | 'forms'
  | 'levels'
  | 'life_areas'
  | 'perpetrators'
  | 'districts'
  | 'statuses'
  | 'outcomes'
  | 'channels'
  | 'reporter_roles'
  | 'interventions'
  | 'quarters'
  | 'services'
  | 'referral_statuses'
  | 'referral_outcomes';

export interface TableInfo {
  id: string;
  unit: CountUnit;
  rowDimension: Dimension;
  colDimension: Dimension | null;
  /** codes merged into the row `other` because they were too rare to publish on their own */
  merged: string[];
  /** true for the key-figure tables (shown as key figures, not as tables) */
  keyFigure: boolean;
}

export interface KeyFigure {
  unit: 'reports' | 'incidents' | 'cases';
  current: PublishedEntry;
  previous: PublishedEntry;
  sameLastYear: PublishedEntry;
  /** difference to the previous period / the same period a year earlier, when both are published */
  changeToPrevious: number | null;
  changeToLastYear: number | null;
}

export interface Median {
  /** median days, one decimal; null when the group is below the threshold (hidden) or empty */
  days: number | null;
  hidden: boolean;
}

export interface StatisticsResult {
  period: Period;
  thresholds: { base: number; districtGround: number };
  release: PublishedRelease;
  tables: TableInfo[];
  keyFigures: KeyFigure[];
  medians: { firstResponse: Median; closure: Median };
}

export const NOT_RECORDED = 'not_recorded';
const OTHER = 'other';

/** Row order: the vocabulary first, then `not_recorded` (only when used), then unknown codes by code. */
function orderCodes(vocabulary: readonly string[], counts: Map<string, number>, keepZero: boolean): string[] {
  const known = new Set(vocabulary);
  const extra = [...counts.keys()].filter((c) => !known.has(c) && c !== NOT_RECORDED).sort();
  const rows = [...vocabulary, ...extra].filter((c) => keepZero || (counts.get(c) ?? 0) > 0);
  if ((counts.get(NOT_RECORDED) ?? 0) > 0) rows.push(NOT_RECORDED);
  return rows;
}

function tally(values: Iterable<string | null>): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) {
    const code = v ?? NOT_RECORDED;
    m.set(code, (m.get(code) ?? 0) + 1);
  }
  return m;
}

/** The number of rows per code of `code`, each row counting `n` times (default once). */
function tallyBy<T extends { n?: number }>(rows: T[], code: (row: T) => string | null): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const c = code(r) ?? NOT_RECORDED;
    m.set(c, (m.get(c) ?? 0) + (r.n ?? 1));
  }
  return m;
}

/** Pairs of codes with their number, summed per pair (first occurrence order). */
function tallyPairs<A, B>(pairs: Iterable<[A, B]>): Array<[A, B, number]> {
  const m = new Map<string, [A, B, number]>();
  for (const [a, b] of pairs) {
    const key = JSON.stringify([a, b]);
    const entry = m.get(key);
    if (entry) entry[2] += 1;
    else m.set(key, [a, b, 1]);
  }
  return [...m.values()];
}

/** The builder's case counts from case rows (see CaseTallies). */
export function tallyCases(cases: CaseCodes[]): CaseTallies {
  const distinct = (codes: string[]) => [...new Set(codes)];
  return {
    grounds: tally(cases.flatMap((c) => distinct(c.grounds))),
    forms: tally(cases.flatMap((c) => distinct(c.forms))),
    level: tally(cases.map((c) => c.level)),
    lifeArea: tally(cases.map((c) => c.lifeArea)),
    perpetratorType: tally(cases.map((c) => c.perpetratorType)),
    district: tally(cases.map((c) => c.district)),
    status: tally(cases.map((c) => c.status)),
    outcome: tally(cases.map((c) => c.outcome)),
    lifeAreaByQuarter: tallyPairs(cases.map((c) => [c.lifeArea ?? NOT_RECORDED, c.quarter])),
    groundByDistrict: tallyPairs(
      cases.flatMap((c) =>
        distinct(c.grounds).map((g) => [g, c.district ?? NOT_RECORDED] as [string, string]),
      ),
    ),
  };
}

function oneDimension(
  id: string,
  unit: CountUnit,
  rows: string[],
  counts: Map<string, number>,
  threshold: number,
): Table {
  const cells = rows.map((r) => [counts.get(r) ?? 0]);
  const rowTotals = cells.map((c) => c[0]);
  const total = rowTotals.reduce((s, v) => s + v, 0);
  return { id, unit, rows, cols: [''], cells, rowTotals, colTotals: [total], grandTotal: total, threshold };
}

function twoDimensions(
  id: string,
  unit: CountUnit,
  rows: string[],
  cols: string[],
  pairs: Array<[string, string, number]>,
  threshold: number,
  marginThreshold?: number,
): Table {
  const cells = rows.map(() => cols.map(() => 0));
  for (const [r, c, n] of pairs) {
    const i = rows.indexOf(r);
    const j = cols.indexOf(c);
    if (i < 0 || j < 0) throw new Error(`code outside the table ${id}: ${r} × ${c}`);
    cells[i][j] += n;
  }
  const rowTotals = cells.map((row) => row.reduce((s, v) => s + v, 0));
  const colTotals = cols.map((_, j) => cells.reduce((s, row) => s + row[j], 0));
  const grandTotal = rowTotals.reduce((s, v) => s + v, 0);
  return {
    id,
    unit,
    rows,
    cols,
    cells,
    rowTotals,
    colTotals,
    grandTotal,
    threshold,
    ...(marginThreshold !== undefined ? { marginThreshold } : {}),
  };
}

/** Merges exactly `codes` into the `other` row, as `mergeRareCategories` did for a linked table. */
export function mergeRowsLike(table: Table, codes: string[]): Table {
  if (codes.length === 0) return table;
  const merged = new Set(codes);
  const otherIndex = table.rows.indexOf(OTHER);
  const otherCells = table.cols.map((_, j) =>
    table.rows.reduce((s, code, i) => (merged.has(code) || i === otherIndex ? s + table.cells[i][j] : s), 0),
  );
  const rows: string[] = [];
  const cells: number[][] = [];
  table.rows.forEach((code, i) => {
    if (merged.has(code)) return;
    rows.push(code);
    cells.push(i === otherIndex ? otherCells : [...table.cells[i]]);
  });
  if (otherIndex < 0) {
    rows.push(OTHER);
    cells.push(otherCells);
  }
  return {
    ...table,
    rows,
    cells,
    rowTotals: cells.map((r) => r.reduce((s, v) => s + v, 0)),
    colTotals: [...table.colTotals],
    cols: [...table.cols],
  };
}

function oneByOne(id: string, unit: CountUnit, value: number, threshold: number): Table {
  return oneDimension(id, unit, ['total'], new Map([['total', value]]), threshold);
}

const WITHHELD: PublishedEntry = { hidden: 'withheld', label: '×' };

/** A table published with every entry withheld (it reveals nothing, so it is not part of the model). */
function withheldTable(t: Table): PublishedTable {
  return {
    id: t.id,
    unit: t.unit,
    rows: [...t.rows],
    cols: [...t.cols],
    threshold: t.threshold,
    withheld: true,
    cells: t.rows.map(() => t.cols.map(() => WITHHELD)),
    rowTotals: t.rows.map(() => WITHHELD),
    colTotals: t.cols.map(() => WITHHELD),
    grandTotal: WITHHELD,
  };
}

/**
 * Runs `suppress()`. When it has to withhold a two-dimensional (detail) table, that table would take the
 * entries it shares with its one-dimensional margin table (e.g. ground × district → grounds) with it; so
 * the detail table is taken out of the release (published as fully withheld: it reveals nothing) and the
 * rest is suppressed again without it.
 */
export function suppressWithDetailFallback(
  tables: Table[],
  constraints: LinearConstraint[],
): PublishedRelease {
  const removed = new Set<string>();
  for (;;) {
    const active = tables.filter((t) => !removed.has(t.id));
    const refers = (c: LinearConstraint) => c.terms.some((term) => removed.has(term.ref.table));
    const result = suppress({ tables: active, constraints: constraints.filter((c) => !refers(c)) });
    const detail = result.tables.filter((t) => t.withheld && t.cols.length > 1).map((t) => t.id);
    if (detail.length === 0) {
      const byId = new Map(result.tables.map((t) => [t.id, t]));
      const extra = tables
        .filter((t) => removed.has(t.id))
        .reduce((n, t) => n + t.rows.length * t.cols.length + t.rows.length + t.cols.length + 1, 0);
      return {
        tables: tables.map((t) => byId.get(t.id) ?? withheldTable(t)),
        summary: { ...result.summary, withheld: result.summary.withheld + extra },
      };
    }
    detail.forEach((id) => removed.add(id));
  }
}

function entryValue(e: PublishedEntry): number | null {
  return 'value' in e ? e.value : null;
}

const REFERRAL_TABLES = [
  { id: 'referrals.services', dimension: 'services', merge: true },
  { id: 'referrals.statuses', dimension: 'referral_statuses', merge: false },
  { id: 'referrals.outcomes', dimension: 'referral_outcomes', merge: true },
] as const;

/**
 * The referral tables of a release: sent referrals by service, by status and by outcome. They count the
 * same referrals, so their grand totals are linked (one cannot be used to narrow another's hidden cells);
 * rare services and outcomes are merged into `other` first. Not linked to the case tables (a referral
 * is not a case), so this part can be audited on its own.
 */
export function referralRelease(
  referrals: ReferralCodes[],
  threshold: number,
): { release: Release; merged: string[][] } {
  const vocabularies: Record<(typeof REFERRAL_TABLES)[number]['id'], readonly string[]> = {
    'referrals.services': SERVICE_TYPES,
    'referrals.statuses': REFERRAL_STATUSES.filter((st) => st !== 'draft'),
    'referrals.outcomes': OUTCOMES,
  };
  const values: Record<(typeof REFERRAL_TABLES)[number]['id'], (r: ReferralCodes) => string | null> = {
    'referrals.services': (r) => r.serviceType,
    'referrals.statuses': (r) => r.status,
    'referrals.outcomes': (r) => r.outcome,
  };
  const tables: Table[] = [];
  const merged: string[][] = [];
  for (const spec of REFERRAL_TABLES) {
    const counts = tallyBy(referrals, values[spec.id]);
    const raw = oneDimension(
      spec.id,
      'referrals',
      orderCodes(vocabularies[spec.id], counts, true),
      counts,
      threshold,
    );
    const m = spec.merge ? mergeRareCategories(raw, threshold, OTHER) : { table: raw, merged: [] };
    tables.push(m.table);
    merged.push(m.merged);
  }
  return {
    release: { tables, constraints: tables.slice(1).map((t) => linkGrandTotals(tables[0], t)) },
    merged,
  };
}

/** Builds the tables, links them and runs `suppress()`. */
export function buildStatistics(input: StatisticsInput): StatisticsResult {
  const { period, reports, thresholds } = input;
  const cases = Array.isArray(input.cases) ? tallyCases(input.cases) : input.cases;
  const base = thresholdFor(thresholds, []);
  const districtGround = thresholdFor(thresholds, ['grounds', 'district']);
  const t1 = (dimension: string): number => thresholdFor(thresholds, [dimension]);

  const tables: Table[] = [];
  const info: TableInfo[] = [];
  const constraints: LinearConstraint[] = [];
  const add = (
    table: Table,
    rowDimension: Dimension,
    colDimension: Dimension | null = null,
    merged: string[] = [],
    keyFigure = false,
  ): Table => {
    tables.push(table);
    info.push({ id: table.id, unit: table.unit, rowDimension, colDimension, merged, keyFigure });
    return table;
  };
  /** one-dimensional table, rare rows merged into `other` where that makes it publishable */
  const single = (
    id: string,
    unit: CountUnit,
    dimension: Dimension,
    vocabulary: readonly string[],
    counts: Map<string, number>,
    opts: { merge: boolean; keepZero?: boolean },
  ): Table => {
    const threshold = t1(dimension);
    const raw = oneDimension(
      id,
      unit,
      orderCodes(vocabulary, counts, opts.keepZero ?? true),
      counts,
      threshold,
    );
    const { table, merged } = opts.merge
      ? mergeRareCategories(raw, threshold, OTHER)
      : { table: raw, merged: [] };
    return add(table, dimension, null, merged);
  };

  // key figures: the current cases and reports are the (shared) grand totals of their tables below; incidents
  // and the comparison periods are 1×1 tables of their own, suppressed like every other count. (A 1×1 table
  // linked to the other tables would make their grand total look like a cell to the complement choice.)
  add(oneByOne('key.incidents', 'incidents', input.incidents, base), 'total', null, [], true);
  for (const [suffix, counts] of [
    ['previous', input.previous],
    ['same_last_year', input.sameLastYear],
  ] as const) {
    add(oneByOne(`key.cases.${suffix}`, 'cases', counts.cases, base), 'total', null, [], true);
    add(oneByOne(`key.reports.${suffix}`, 'reports', counts.reports, base), 'total', null, [], true);
    add(oneByOne(`key.incidents.${suffix}`, 'incidents', counts.incidents, base), 'total', null, [], true);
  }

  // cases: grounds and forms count mentions (a case can name several)
  const grounds = single('cases.grounds', 'mentions', 'grounds', GROUNDS, cases.grounds, {
    merge: true,
  });
  single('cases.forms', 'mentions', 'forms', FORMS, cases.forms, {
    merge: true,
  });

  // cases: one value per case; all of them count the same population
  const caseTables: Table[] = [
    single('cases.levels', 'cases', 'levels', LEVELS, cases.level, { merge: false }),
    single('cases.life_areas', 'cases', 'life_areas', LIFE_AREAS, cases.lifeArea, {
      merge: true,
    }),
    single('cases.perpetrators', 'cases', 'perpetrators', PERPETRATOR_TYPES, cases.perpetratorType, {
      merge: true,
    }),
    single('cases.districts', 'cases', 'districts', [...input.districts, ...SPECIAL_PLACES], cases.district, {
      merge: false,
    }),
    single('cases.statuses', 'cases', 'statuses', CASE_STATUSES, cases.status, {
      merge: false,
    }),
    single('cases.outcomes', 'cases', 'outcomes', OUTCOMES, cases.outcome, {
      merge: true,
    }),
  ];

  // cases by life area × quarter (year periods): its row totals are the life-area table's column
  if (period.kind === 'year') {
    const lifeAreas = caseTables[1];
    const merged = info.find((i) => i.id === lifeAreas.id)!.merged;
    const rawRows = orderCodes(LIFE_AREAS, cases.lifeArea, true);
    const quarters = twoDimensions(
      'cases.life_areas_by_quarter',
      'cases',
      rawRows,
      period.subperiods,
      cases.lifeAreaByQuarter.map(([lifeArea, q, n]) => [lifeArea, period.subperiods[q - 1], n]),
      t1('life_areas'),
    );
    const table = mergeRowsLike(quarters, merged);
    add(table, 'life_areas', 'quarters', merged);
    caseTables.push(table);
    constraints.push(...linkPeriodsToTotal(table, lifeAreas));
  }
  for (const t of caseTables.slice(1)) constraints.push(linkGrandTotals(caseTables[0], t));

  // cases: ground × district (higher threshold for the cells, base threshold for the margins)
  {
    const merged = info.find((i) => i.id === grounds.id)!.merged;
    const districtCodes = orderCodes([...input.districts, ...SPECIAL_PLACES], cases.district, true);
    const raw = twoDimensions(
      'cases.grounds_by_district',
      'mentions',
      orderCodes(GROUNDS, cases.grounds, true),
      districtCodes,
      cases.groundByDistrict,
      districtGround,
      base,
    );
    const table = mergeRowsLike(raw, merged);
    add(table, 'grounds', 'districts', merged);
    constraints.push(...linkSharedRowTotals(grounds, table));
  }

  // reports
  const reportTables = [
    single(
      'reports.channels',
      'reports',
      'channels',
      CHANNELS,
      tallyBy(reports, (r) => r.channel),
      {
        merge: true,
      },
    ),
    single(
      'reports.reporter_roles',
      'reports',
      'reporter_roles',
      REPORTER_ROLES,
      tallyBy(reports, (r) => r.reporterRole),
      { merge: false },
    ),
    single(
      'reports.life_areas',
      'reports',
      'life_areas',
      LIFE_AREAS,
      tallyBy(reports, (r) => r.lifeArea),
      {
        merge: true,
      },
    ),
  ];
  for (const t of reportTables.slice(1)) constraints.push(linkGrandTotals(reportTables[0], t));

  // interventions (mentions: one case can have several)
  single(
    'cases.interventions',
    'mentions',
    'interventions',
    INTERVENTION_TYPES,
    new Map(Object.entries(input.interventions).filter(([, n]) => n > 0)),
    { merge: true },
  );

  // referrals sent in the period: by service, status and outcome (one population, linked totals)
  const referrals = referralRelease(input.referrals, t1('services'));
  referrals.release.tables.forEach((t, i) => add(t, REFERRAL_TABLES[i].dimension, null, referrals.merged[i]));
  constraints.push(...referrals.release.constraints);

  const release = suppressWithDetailFallback(tables, constraints);
  const published = new Map(release.tables.map((t) => [t.id, t]));
  const key = (id: string): PublishedEntry => published.get(id)!.grandTotal;
  const diff = (a: PublishedEntry, b: PublishedEntry): number | null => {
    const x = entryValue(a);
    const y = entryValue(b);
    return x === null || y === null ? null : x - y;
  };
  const keyFigures: KeyFigure[] = (['reports', 'incidents', 'cases'] as const).map((unit) => {
    const current =
      unit === 'cases'
        ? published.get('cases.statuses')!.grandTotal
        : unit === 'reports'
          ? published.get('reports.channels')!.grandTotal
          : key('key.incidents');
    const previous = key(`key.${unit}.previous`);
    const sameLastYear = key(`key.${unit}.same_last_year`);
    return {
      unit,
      current,
      previous,
      sameLastYear,
      changeToPrevious: diff(current, previous),
      changeToLastYear: diff(current, sameLastYear),
    };
  });
  const median = (m: { n: number; medianDays: number | null }): Median =>
    m.n >= base && m.medianDays !== null
      ? { days: Math.round(m.medianDays * 10) / 10, hidden: false }
      : { days: null, hidden: m.n > 0 };

  return {
    period,
    thresholds: { base, districtGround },
    release,
    tables: info,
    keyFigures,
    medians: { firstResponse: median(input.firstResponse), closure: median(input.closure) },
  };
}
