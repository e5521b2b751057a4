/**
 * INDEPENDENT check of a published release, for tests only (it shares no code with the audit in
 * audit.ts/lp.ts/model.ts). It plays the reader: it knows the table layouts and the release's linear
 * constraints, sees only the published values and labels, and asks, with an exact INTEGER search (interval
 * propagation + depth-first search), whether
 *   - every value 1..t-1 is still possible for each "<t" entry, and
 *   - each complementary entry can take a value other than its true one.
 * Integer feasibility is stronger than the LP (real) feasibility the audit uses, so a pass here also
 * covers the integer reading of the guarantee. Values are capped at `cap`, which only makes the search
 * stricter (fewer solutions), never more lenient.
 */
import type { EntryRef, PublishedEntry, PublishedRelease, Release } from '../types.js';

interface Eq {
  vars: number[];
  coefs: number[];
  rhs: number;
}

export interface Violation {
  table: string;
  entry: string;
  problem: string;
}

class Reader {
  readonly names: string[] = [];
  readonly index = new Map<string, number>();
  readonly eqs: Eq[] = [];
  readonly lo: number[] = [];
  readonly hi: number[] = [];
  readonly truth: number[] = [];
  readonly entries: PublishedEntry[] = [];
  readonly thresholds: number[] = [];
  readonly varEqs: number[][] = [];
  nodes = 0;

  constructor(
    release: Release,
    published: PublishedRelease,
    readonly cap: number,
    readonly nodeLimit: number,
  ) {
    const pub = new Map(published.tables.map((t) => [t.id, t]));
    for (const t of release.tables) {
      const p = pub.get(t.id);
      if (!p) throw new Error(`table ${t.id} missing from the published release`);
      const add = (name: string, e: PublishedEntry, truth: number): void => {
        const threshold = name.startsWith('c') ? t.threshold : (t.marginThreshold ?? t.threshold);
        this.index.set(`${t.id}|${name}`, this.names.length);
        this.names.push(`${t.id}|${name}`);
        this.entries.push(e);
        this.truth.push(truth);
        this.thresholds.push(threshold);
        if ('value' in e) {
          this.lo.push(e.value);
          this.hi.push(e.value);
        } else if (e.hidden === 'primary') {
          const m = /^<(\d+)$/.exec(e.label);
          if (!m) throw new Error(`bad primary label ${e.label}`);
          this.lo.push(1);
          this.hi.push(Number(m[1]) - 1);
        } else if (e.hidden === 'complementary') {
          this.lo.push(threshold); // "·" means: not 0 and not 1..t-1
          this.hi.push(cap);
        } else {
          this.lo.push(0);
          this.hi.push(cap);
        }
      };
      t.cells.forEach((row, i) => row.forEach((v, j) => add(`c${i},${j}`, p.cells[i][j], v)));
      t.rowTotals.forEach((v, i) => add(`r${i}`, p.rowTotals[i], v));
      t.colTotals.forEach((v, j) => add(`k${j}`, p.colTotals[j], v));
      add('g', p.grandTotal, t.grandTotal);
      const v = (name: string): number => this.index.get(`${t.id}|${name}`)!;
      for (let i = 0; i < t.rows.length; i++) {
        this.eq([...t.cols.map((_, j) => v(`c${i},${j}`)), v(`r${i}`)], [...t.cols.map(() => 1), -1], 0);
      }
      for (let j = 0; j < t.cols.length; j++) {
        this.eq([...t.rows.map((_, i) => v(`c${i},${j}`)), v(`k${j}`)], [...t.rows.map(() => 1), -1], 0);
      }
      this.eq([...t.rows.map((_, i) => v(`r${i}`)), v('g')], [...t.rows.map(() => 1), -1], 0);
      this.eq([...t.cols.map((_, j) => v(`k${j}`)), v('g')], [...t.cols.map(() => 1), -1], 0);
    }
    for (const c of release.constraints) {
      this.eq(
        c.terms.map((term) => this.refIndex(term.ref)),
        c.terms.map((term) => term.coef),
        c.rhs,
      );
    }
    this.names.forEach(() => this.varEqs.push([]));
    this.eqs.forEach((e, k) => e.vars.forEach((x) => this.varEqs[x].push(k)));
  }

  refIndex(ref: EntryRef): number {
    const name =
      ref.kind === 'cell'
        ? `c${ref.row},${ref.col}`
        : ref.kind === 'rowTotal'
          ? `r${ref.row}`
          : ref.kind === 'colTotal'
            ? `k${ref.col}`
            : 'g';
    return this.index.get(`${ref.table}|${name}`)!;
  }

  private eq(vars: number[], coefs: number[], rhs: number): void {
    if (!coefs.every(Number.isInteger) || !Number.isInteger(rhs)) throw new Error('integer constraints only');
    this.eqs.push({ vars, coefs, rhs });
  }

  /** Tightens bounds to a fixpoint; false when some domain becomes empty. */
  private propagate(lo: number[], hi: number[], dirty: number[]): boolean {
    const queued = new Set(dirty);
    const queue = [...dirty];
    while (queue.length > 0) {
      const k = queue.shift()!;
      queued.delete(k);
      const { vars, coefs, rhs } = this.eqs[k];
      let minSum = 0;
      let maxSum = 0;
      for (let i = 0; i < vars.length; i++) {
        const a = coefs[i];
        minSum += a > 0 ? a * lo[vars[i]] : a * hi[vars[i]];
        maxSum += a > 0 ? a * hi[vars[i]] : a * lo[vars[i]];
      }
      if (minSum > rhs || maxSum < rhs) return false;
      for (let i = 0; i < vars.length; i++) {
        const x = vars[i];
        const a = coefs[i];
        if (a === 0) continue;
        const ownMin = a > 0 ? a * lo[x] : a * hi[x];
        const ownMax = a > 0 ? a * hi[x] : a * lo[x];
        // a*x in [rhs - (maxSum - ownMax), rhs - (minSum - ownMin)]
        const low = rhs - (maxSum - ownMax);
        const high = rhs - (minSum - ownMin);
        let nlo: number;
        let nhi: number;
        if (a > 0) {
          nlo = Math.ceil(low / a);
          nhi = Math.floor(high / a);
        } else {
          nlo = Math.ceil(high / a);
          nhi = Math.floor(low / a);
        }
        if (nlo > lo[x] || nhi < hi[x]) {
          lo[x] = Math.max(lo[x], nlo);
          hi[x] = Math.min(hi[x], nhi);
          if (lo[x] > hi[x]) return false;
          for (const k2 of this.varEqs[x]) {
            if (!queued.has(k2)) {
              queued.add(k2);
              queue.push(k2);
            }
          }
        }
      }
    }
    return true;
  }

  /** Is there an integer solution within [lo, hi]? */
  feasible(lo0: number[], hi0: number[]): boolean {
    this.nodes = 0;
    const lo = lo0.slice();
    const hi = hi0.slice();
    if (lo.some((l, x) => l > hi[x])) return false;
    if (
      !this.propagate(
        lo,
        hi,
        this.eqs.map((_, k) => k),
      )
    )
      return false;
    return this.search(lo, hi);
  }

  private search(lo: number[], hi: number[]): boolean {
    if (++this.nodes > this.nodeLimit) throw new Error('independent check: search limit reached (undecided)');
    let pick = -1;
    for (let x = 0; x < lo.length; x++) {
      if (lo[x] < hi[x] && (pick < 0 || hi[x] - lo[x] < hi[pick] - lo[pick])) pick = x;
    }
    if (pick < 0)
      return this.eqs.every((e) => e.vars.reduce((s, x, i) => s + e.coefs[i] * lo[x], 0) === e.rhs);
    // try values nearest the true one first (only a search order; any solution found is verified)
    const t = Math.min(Math.max(this.truth[pick], lo[pick]), hi[pick]);
    const values: number[] = [t];
    for (let d = 1; t - d >= lo[pick] || t + d <= hi[pick]; d++) {
      if (t - d >= lo[pick]) values.push(t - d);
      if (t + d <= hi[pick]) values.push(t + d);
    }
    for (const value of values) {
      const l = lo.slice();
      const h = hi.slice();
      l[pick] = h[pick] = value;
      if (this.propagate(l, h, this.varEqs[pick]) && this.search(l, h)) return true;
    }
    return false;
  }
}

/**
 * Returns every way the published release fails its guarantees (empty = protected). Also reports a published
 * value that differs from the truth or lies in 1..t-1.
 */
export function checkProtection(
  release: Release,
  published: PublishedRelease,
  options: { nodeLimit?: number } = {},
): Violation[] {
  const cap = 2 * release.tables.reduce((s, t) => s + t.grandTotal, 0) + 100;
  const r = new Reader(release, published, cap, options.nodeLimit ?? 200_000);
  const out: Violation[] = [];
  r.names.forEach((name, x) => {
    const [table, entry] = name.split('|');
    const e = r.entries[x];
    const violation = (problem: string): void => void out.push({ table, entry, problem });
    if ('value' in e) {
      if (e.value !== r.truth[x]) violation(`published ${e.value} but the true value is ${r.truth[x]}`);
      if (e.value >= 1 && e.value < r.thresholds[x]) violation(`published small value ${e.value}`);
      return;
    }
    if (e.hidden === 'primary') {
      for (let v = r.lo[x]; v <= r.hi[x]; v++) {
        const lo = r.lo.slice();
        const hi = r.hi.slice();
        lo[x] = hi[x] = v;
        if (!r.feasible(lo, hi)) violation(`value ${v} is excluded although the label is ${e.label}`);
      }
      if (r.truth[x] < r.lo[x] || r.truth[x] > r.hi[x]) violation(`label ${e.label} is wrong`);
    } else if (e.hidden === 'complementary') {
      const below = r.hi.slice();
      below[x] = r.truth[x] - 1;
      const above = r.lo.slice();
      above[x] = r.truth[x] + 1;
      if (r.truth[x] < r.thresholds[x]) violation('complementary entry with a small true value');
      if (!r.feasible(r.lo, below) && !r.feasible(above, r.hi))
        violation('complementary entry is determined');
    }
  });
  return out;
}
