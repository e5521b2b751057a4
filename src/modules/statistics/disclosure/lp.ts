/**
 * A small dense two-phase simplex for the disclosure audit: bounds of one quantity subject to
 * `A x = b`, `lower <= x <= upper` (upper may be Infinity). Real-valued (LP relaxation), Bland's rule
 * (no cycling), floating point with a tolerance; meant for a few hundred variables at most.
 */

const EPS = 1e-9;

export interface LpProblem {
  /** Equality rows over the variables, dense (`A[i].length === lower.length`). */
  A: number[][];
  b: number[];
  lower: number[];
  /** `Infinity` for "no upper bound". */
  upper: number[];
}

export type LpResult = { status: 'optimal'; value: number } | { status: 'unbounded' };

/**
 * Phase 1 runs once in the constructor; `maximize()` then starts phase 2 from a copy of the feasible
 * basis, so several objectives over the same constraints are cheap.
 */
export class BoundedLp {
  readonly feasible: boolean;
  private readonly n: number;
  /** Structural columns (shifted variables y = x - lower) plus one slack per finite upper bound. */
  private readonly nReal: number;
  private readonly nCols: number;
  private readonly rows: Float64Array[];
  private readonly basis: number[];
  private readonly lower: number[];

  constructor(p: LpProblem) {
    const n = p.lower.length;
    this.n = n;
    this.lower = p.lower.slice();
    const finiteUpper: number[] = [];
    for (let j = 0; j < n; j++) {
      if (p.upper[j] < p.lower[j] - EPS) {
        this.feasible = false;
        this.nReal = this.nCols = 0;
        this.rows = [];
        this.basis = [];
        return;
      }
      if (Number.isFinite(p.upper[j])) finiteUpper.push(j);
    }
    const mEq = p.A.length;
    const nReal = n + finiteUpper.length;
    const nCols = nReal + mEq; // one artificial per equality row
    this.nReal = nReal;
    this.nCols = nCols;
    const rows: Float64Array[] = [];
    const basis: number[] = [];
    for (let i = 0; i < mEq; i++) {
      const r = new Float64Array(nCols + 1);
      let rhs = p.b[i];
      for (let j = 0; j < n; j++) {
        r[j] = p.A[i][j];
        rhs -= p.A[i][j] * p.lower[j];
      }
      const sign = rhs < 0 ? -1 : 1;
      for (let j = 0; j < n; j++) r[j] *= sign;
      r[nCols] = rhs * sign;
      r[nReal + i] = 1;
      rows.push(r);
      basis.push(nReal + i);
    }
    finiteUpper.forEach((j, k) => {
      const r = new Float64Array(nCols + 1);
      r[j] = 1;
      r[n + k] = 1;
      r[nCols] = p.upper[j] - p.lower[j];
      rows.push(r);
      basis.push(n + k);
    });
    this.rows = rows;
    this.basis = basis;
    // phase 1: maximise -(sum of artificials)
    const obj = new Float64Array(nCols + 1);
    for (let i = 0; i < mEq; i++) obj[nReal + i] = -1;
    this.priceOut(obj, rows, basis);
    this.run(obj, rows, basis, nCols, Infinity);
    this.feasible = -obj[nCols] > -1e-7;
    if (!this.feasible) return;
    // drive artificials out of the basis where possible (rows left with one are redundant)
    for (let i = 0; i < rows.length; i++) {
      if (basis[i] < nReal) continue;
      for (let j = 0; j < nReal; j++) {
        if (Math.abs(rows[i][j]) > 1e-7) {
          this.pivot(rows, basis, null, i, j);
          break;
        }
      }
    }
  }

  /**
   * Maximises `c · x`. With `stopAt`, returns as soon as a feasible value >= stopAt is reached (the value
   * returned is then only a lower bound on the maximum, which is all the caller asked for).
   */
  maximize(c: number[], stopAt = Infinity): LpResult {
    if (!this.feasible) throw new Error('LP is infeasible');
    const rows = this.rows.map((r) => r.slice());
    const basis = this.basis.slice();
    const obj = new Float64Array(this.nCols + 1);
    let constant = 0;
    for (let j = 0; j < this.n; j++) {
      obj[j] = c[j];
      constant += c[j] * this.lower[j];
    }
    this.priceOut(obj, rows, basis);
    const bounded = this.run(obj, rows, basis, this.nReal, stopAt - constant);
    if (!bounded) return { status: 'unbounded' };
    return { status: 'optimal', value: -obj[this.nCols] + constant };
  }

  /** Makes the objective row express reduced costs w.r.t. the current basis. */
  private priceOut(obj: Float64Array, rows: Float64Array[], basis: number[]): void {
    for (let i = 0; i < rows.length; i++) {
      const cb = obj[basis[i]];
      if (cb === 0) continue;
      const r = rows[i];
      for (let j = 0; j <= this.nCols; j++) obj[j] -= cb * r[j];
    }
  }

  /** Primal simplex with Bland's rule over columns < `enterLimit`. Returns false when unbounded. */
  private run(
    obj: Float64Array,
    rows: Float64Array[],
    basis: number[],
    enterLimit: number,
    stopAt: number,
  ): boolean {
    const rhs = this.nCols;
    for (let iter = 0; iter < 50_000; iter++) {
      if (-obj[rhs] >= stopAt - EPS) return true;
      let enter = -1;
      for (let j = 0; j < enterLimit; j++) {
        if (obj[j] > EPS) {
          enter = j;
          break;
        }
      }
      if (enter < 0) return true;
      let leave = -1;
      let best = Infinity;
      for (let i = 0; i < rows.length; i++) {
        const a = rows[i][enter];
        if (a <= EPS) continue;
        const ratio = rows[i][rhs] / a;
        if (ratio < best - EPS || (ratio < best + EPS && leave >= 0 && basis[i] < basis[leave])) {
          best = Math.min(best, ratio);
          leave = i;
        }
      }
      if (leave < 0) return false;
      this.pivot(rows, basis, obj, leave, enter);
    }
    throw new Error('simplex iteration limit reached');
  }

  private pivot(rows: Float64Array[], basis: number[], obj: Float64Array | null, r: number, c: number): void {
    const width = this.nCols + 1;
    const pr = rows[r];
    const inv = 1 / pr[c];
    for (let j = 0; j < width; j++) pr[j] *= inv;
    pr[c] = 1;
    const eliminate = (row: Float64Array): void => {
      const f = row[c];
      if (f === 0) return;
      for (let j = 0; j < width; j++) row[j] -= f * pr[j];
      row[c] = 0;
    };
    for (let i = 0; i < rows.length; i++) if (i !== r) eliminate(rows[i]);
    if (obj) eliminate(obj);
    // snap tiny round-off in the right-hand side (all data are small integers)
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i][this.nCols];
      if (Math.abs(v) < 1e-10) rows[i][this.nCols] = 0;
    }
    basis[r] = c;
  }
}
