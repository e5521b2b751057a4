/**
 * The linear model a reader of a release can build: one variable per distinct published quantity, and
 * every linear equality known to hold between them (additivity inside each table, plus the release's
 * cross-table constraints). Entries that are provably the same quantity (the row total of a
 * one-column table and its cell; two entries linked by `a - b = 0`) share one variable.
 */
import { validateRelease } from './thresholds.js';
import type { EntryRef, LinearConstraint, Release, Table } from './types.js';

export interface ModelVar {
  /** True value (never leaves this module except through a `{ value }` of a published entry). */
  value: number;
  /** Highest threshold among its appearances (a table's `threshold` for cells, `marginThreshold` for margins). */
  threshold: number;
  refs: EntryRef[];
  /** True when the quantity is a margin in every table it appears in. */
  isMargin: boolean;
}

export interface ModelConstraint {
  vars: number[];
  coefs: number[];
  rhs: number;
}

export interface Model {
  vars: ModelVar[];
  constraints: ModelConstraint[];
  /** For each variable, the indices of constraints it appears in. */
  varConstraints: number[][];
  varOf(ref: EntryRef): number;
}

export function refKey(ref: EntryRef): string {
  switch (ref.kind) {
    case 'cell':
      return `${ref.table}|c|${ref.row}|${ref.col}`;
    case 'rowTotal':
      return `${ref.table}|r|${ref.row}`;
    case 'colTotal':
      return `${ref.table}|k|${ref.col}`;
    case 'grandTotal':
      return `${ref.table}|g`;
  }
}

export function tableRefs(t: Table): EntryRef[] {
  const refs: EntryRef[] = [];
  t.rows.forEach((_, row) => t.cols.forEach((__, col) => refs.push({ table: t.id, kind: 'cell', row, col })));
  t.rows.forEach((_, row) => refs.push({ table: t.id, kind: 'rowTotal', row }));
  t.cols.forEach((_, col) => refs.push({ table: t.id, kind: 'colTotal', col }));
  refs.push({ table: t.id, kind: 'grandTotal' });
  return refs;
}

export function trueValue(t: Table, ref: EntryRef): number {
  switch (ref.kind) {
    case 'cell':
      return t.cells[ref.row][ref.col];
    case 'rowTotal':
      return t.rowTotals[ref.row];
    case 'colTotal':
      return t.colTotals[ref.col];
    case 'grandTotal':
      return t.grandTotal;
  }
}

/** Additivity inside one table: cells sum to row and column totals, margins sum to the grand total. */
export function additivityConstraints(t: Table): LinearConstraint[] {
  const out: LinearConstraint[] = [];
  const cell = (row: number, col: number): EntryRef => ({ table: t.id, kind: 'cell', row, col });
  t.rows.forEach((_, row) =>
    out.push({
      terms: [
        ...t.cols.map((__, col) => ({ ref: cell(row, col), coef: 1 })),
        { ref: { table: t.id, kind: 'rowTotal', row }, coef: -1 },
      ],
      rhs: 0,
    }),
  );
  t.cols.forEach((_, col) =>
    out.push({
      terms: [
        ...t.rows.map((__, row) => ({ ref: cell(row, col), coef: 1 })),
        { ref: { table: t.id, kind: 'colTotal', col }, coef: -1 },
      ],
      rhs: 0,
    }),
  );
  const grand: EntryRef = { table: t.id, kind: 'grandTotal' };
  out.push({
    terms: [
      ...t.rows.map((_, row) => ({ ref: { table: t.id, kind: 'rowTotal', row } as EntryRef, coef: 1 })),
      { ref: grand, coef: -1 },
    ],
    rhs: 0,
  });
  out.push({
    terms: [
      ...t.cols.map((_, col) => ({ ref: { table: t.id, kind: 'colTotal', col } as EntryRef, coef: 1 })),
      { ref: grand, coef: -1 },
    ],
    rhs: 0,
  });
  return out;
}

/** All linear relations of a release, table additivity first, then the release's own constraints. */
export function releaseConstraints(release: Release): LinearConstraint[] {
  return [...release.tables.flatMap(additivityConstraints), ...release.constraints];
}

export function buildModel(release: Release): Model {
  validateRelease(release);
  const tables = new Map(release.tables.map((t) => [t.id, t]));
  const keys: string[] = [];
  const refs: EntryRef[] = [];
  const index = new Map<string, number>();
  for (const t of release.tables) {
    for (const ref of tableRefs(t)) {
      index.set(refKey(ref), keys.length);
      keys.push(refKey(ref));
      refs.push(ref);
    }
  }
  const idx = (ref: EntryRef): number => {
    const i = index.get(refKey(ref));
    if (i === undefined) throw new Error(`unknown entry ${refKey(ref)}`);
    return i;
  };
  const valueOf = (ref: EntryRef): number => trueValue(tables.get(ref.table)!, ref);

  const all = releaseConstraints(release);
  for (const c of all) {
    const lhs = c.terms.reduce((s, term) => s + term.coef * valueOf(term.ref), 0);
    if (Math.abs(lhs - c.rhs) > 1e-9)
      throw new Error('a release constraint does not hold for the true values');
  }

  // union-find over entries that are the same quantity
  const parent = refs.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (const c of all) {
    const terms = c.terms.filter((t) => t.coef !== 0);
    if (terms.length === 2 && c.rhs === 0 && terms[0].coef === -terms[1].coef) {
      union(idx(terms[0].ref), idx(terms[1].ref));
    }
  }

  const rootToVar = new Map<number, number>();
  const vars: ModelVar[] = [];
  refs.forEach((ref, i) => {
    const root = find(i);
    let v = rootToVar.get(root);
    if (v === undefined) {
      v = vars.length;
      rootToVar.set(root, v);
      vars.push({ value: valueOf(ref), threshold: 0, refs: [], isMargin: true });
    }
    const mv = vars[v];
    mv.refs.push(ref);
    const t = tables.get(ref.table)!;
    mv.threshold = Math.max(
      mv.threshold,
      ref.kind === 'cell' ? t.threshold : (t.marginThreshold ?? t.threshold),
    );
    if (ref.kind === 'cell') mv.isMargin = false;
  });
  const varOfIndex = (i: number): number => rootToVar.get(find(i))!;

  const constraints: ModelConstraint[] = [];
  const seen = new Set<string>();
  for (const c of all) {
    const coefs = new Map<number, number>();
    for (const term of c.terms) {
      const v = varOfIndex(idx(term.ref));
      coefs.set(v, (coefs.get(v) ?? 0) + term.coef);
    }
    const entries = [...coefs.entries()].filter(([, k]) => Math.abs(k) > 1e-12).sort((a, b) => a[0] - b[0]);
    if (entries.length === 0) continue;
    const key = `${entries.map(([v, k]) => `${v}:${k}`).join(',')}=${c.rhs}`;
    if (seen.has(key)) continue;
    seen.add(key);
    constraints.push({ vars: entries.map(([v]) => v), coefs: entries.map(([, k]) => k), rhs: c.rhs });
  }
  const varConstraints: number[][] = vars.map(() => []);
  constraints.forEach((c, ci) => c.vars.forEach((v) => varConstraints[v].push(ci)));
  return { vars, constraints, varConstraints, varOf: (ref) => varOfIndex(idx(ref)) };
}

/** `quarterTable`'s row totals (the year, summed over its period columns) equal `yearTable`'s single column. */
export function linkPeriodsToTotal(periodTable: Table, totalTable: Table): LinearConstraint[] {
  if (totalTable.cols.length !== 1 || periodTable.rows.length !== totalTable.rows.length) {
    throw new Error('the total table needs one column and the same rows as the period table');
  }
  return periodTable.rows.map((code, row) => {
    if (totalTable.rows[row] !== code)
      throw new Error('period and total tables must list rows in the same order');
    return {
      terms: [
        { ref: { table: periodTable.id, kind: 'rowTotal', row }, coef: 1 },
        { ref: { table: totalTable.id, kind: 'cell', row, col: 0 }, coef: -1 },
      ],
      rhs: 0,
    };
  });
}

/** Two tables over the same rows (e.g. ground × life area and ground × district) share their row totals. */
export function linkSharedRowTotals(a: Table, b: Table): LinearConstraint[] {
  if (a.rows.join('\u0000') !== b.rows.join('\u0000')) throw new Error('tables must have the same rows');
  const out: LinearConstraint[] = a.rows.map((_, row) => ({
    terms: [
      { ref: { table: a.id, kind: 'rowTotal', row }, coef: 1 },
      { ref: { table: b.id, kind: 'rowTotal', row }, coef: -1 },
    ],
    rhs: 0,
  }));
  out.push(linkGrandTotals(a, b));
  return out;
}

/** Two tables count the same population: their grand totals are equal. */
export function linkGrandTotals(a: Table, b: Table): LinearConstraint {
  return {
    terms: [
      { ref: { table: a.id, kind: 'grandTotal' }, coef: 1 },
      { ref: { table: b.id, kind: 'grandTotal' }, coef: -1 },
    ],
    rhs: 0,
  };
}
