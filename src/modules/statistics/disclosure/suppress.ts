/**
 * Primary and complementary cell suppression for a release of linked tables.
 *
 * 1. Primary: every quantity (cell or margin) with a true value in 1..t-1 is hidden as "<t"; 0 and values
 *    >= t are shown.
 * 2. Complementary: the audit (see audit.ts) looks for a hidden quantity a reader could narrow down. For the
 *    first one found, one more published quantity is hidden (greedy: a cell before a margin; one that closes
 *    a cycle with cells already hidden; near the failing one; smallest value; lowest index) and the audit
 *    runs again. When nothing is left to hide around a failing quantity, its table is withheld completely.
 * Deterministic: no randomness, all choices are ordered by index.
 */
import { audit, type VarStatus } from './audit.js';
import { buildModel, tableRefs, type Model } from './model.js';
import {
  COMPLEMENTARY_LABEL,
  WITHHELD_LABEL,
  primaryLabel,
  type EntryRef,
  type PublishedEntry,
  type PublishedRelease,
  type PublishedTable,
  type Release,
} from './types.js';

/** Initial status: 1..t-1 is hidden, everything else shown. */
export function primaryStatus(model: Model): VarStatus[] {
  return model.vars.map((v) => (v.value >= 1 && v.value < v.threshold ? 'primary' : 'published'));
}

/** The published non-zero quantity to hide next to protect `failing`, or -1 when there is none. */
export function chooseComplement(model: Model, status: VarStatus[], failing: number): number {
  const hidden = (v: number): boolean => status[v] !== 'published';
  const dist = new Map<number, number>([[failing, 0]]);
  const queue = [failing];
  const candDist = new Map<number, number>();
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi];
    const d = dist.get(v)!;
    for (const ci of model.varConstraints[v]) {
      for (const w of model.constraints[ci].vars) {
        if (hidden(w)) {
          if (!dist.has(w)) {
            dist.set(w, d + 1);
            queue.push(w);
          }
        } else if (model.vars[w].value > 0 && !candDist.has(w)) {
          candDist.set(w, d + 1);
        }
      }
    }
  }
  let best = -1;
  let bestKey: number[] = [];
  for (const [w, d] of candDist) {
    const score = model.varConstraints[w].filter((ci) => model.constraints[ci].vars.some(hidden)).length;
    const key = [model.vars[w].isMargin ? 1 : 0, -score, d, model.vars[w].value, w];
    if (best < 0 || compareKeys(key, bestKey) < 0) {
      best = w;
      bestKey = key;
    }
  }
  return best;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Runs primary and complementary suppression until the audit finds nothing; returns the status per var. */
export function suppressionStatus(model: Model): { status: VarStatus[]; rounds: number } {
  const status = primaryStatus(model);
  let last: number[] = [];
  for (let rounds = 1; ; rounds++) {
    const [failure] = audit(model, status, last, true);
    if (!failure) return { status, rounds };
    last = [failure.var];
    const complement = chooseComplement(model, status, failure.var);
    if (complement >= 0) {
      status[complement] = 'complementary';
      continue;
    }
    // nothing left to hide near it: withhold the first table it appears in
    const table = model.vars[failure.var].refs[0].table;
    model.vars.forEach((v, i) => {
      if (v.refs.some((r) => r.table === table)) status[i] = 'withheld';
    });
  }
}

function entry(model: Model, status: VarStatus[], ref: EntryRef): PublishedEntry {
  const v = model.varOf(ref);
  const s = status[v];
  switch (s) {
    case 'published':
      return { value: model.vars[v].value };
    case 'primary':
      return { hidden: 'primary', label: primaryLabel(model.vars[v].threshold) };
    case 'complementary':
      return { hidden: 'complementary', label: COMPLEMENTARY_LABEL };
    case 'withheld':
      return { hidden: 'withheld', label: WITHHELD_LABEL };
  }
}

/**
 * Applies disclosure control to a release. The result never contains the true value of a hidden entry.
 * Throws when the release is malformed (see `validateRelease`).
 */
export function suppress(release: Release): PublishedRelease {
  const model = buildModel(release);
  const { status, rounds } = suppressionStatus(model);
  const tables: PublishedTable[] = release.tables.map((t) => {
    const e = (ref: EntryRef): PublishedEntry => entry(model, status, ref);
    const withheld = tableRefs(t).every((ref) => status[model.varOf(ref)] === 'withheld');
    return {
      id: t.id,
      unit: t.unit,
      rows: [...t.rows],
      cols: [...t.cols],
      threshold: t.threshold,
      withheld,
      cells: t.rows.map((_, row) => t.cols.map((__, col) => e({ table: t.id, kind: 'cell', row, col }))),
      rowTotals: t.rows.map((_, row) => e({ table: t.id, kind: 'rowTotal', row })),
      colTotals: t.cols.map((_, col) => e({ table: t.id, kind: 'colTotal', col })),
      grandTotal: e({ table: t.id, kind: 'grandTotal' }),
    };
  });
  const count = (s: VarStatus): number => status.filter((x) => x === s).length;
  return {
    tables,
    summary: {
      primary: count('primary'),
      complementary: count('complementary'),
      withheld: count('withheld'),
      auditRounds: rounds,
    },
  };
}
