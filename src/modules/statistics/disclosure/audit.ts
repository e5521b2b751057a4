/**
 * The audit: for each hidden quantity, the interval a reader can derive from everything published, the
 * labels of hidden entries (a primary label "<t" says 1..t-1, a complementary "·" says >= t, because 1..t-1
 * is always primary and zeros are never hidden as complements), non-negativity and all linear relations.
 * Intervals are computed with an LP (real relaxation) per connected group of hidden quantities.
 */
import { BoundedLp } from './lp.js';
import type { Model } from './model.js';

export type VarStatus = 'published' | 'primary' | 'complementary' | 'withheld';

export interface AuditFailure {
  var: number;
  reason: 'primary-range' | 'complementary-determined';
  /** Bounds found (lower/upper may be partial when the LP stopped early). */
  lower: number;
  upper: number;
}

const TOL = 1e-6;

export function labelBounds(status: VarStatus, threshold: number): [number, number] {
  switch (status) {
    case 'primary':
      return [1, threshold - 1];
    case 'complementary':
      return [threshold, Infinity];
    case 'withheld':
      return [0, Infinity];
    case 'published':
      throw new Error('published quantities have no label bounds');
  }
}

/** Connected groups of hidden variables (linked by constraints that contain two or more hidden ones). */
function components(model: Model, status: VarStatus[]): number[] {
  const comp = status.map(() => -1);
  let next = 0;
  for (let start = 0; start < status.length; start++) {
    if (status[start] === 'published' || comp[start] >= 0) continue;
    const stack = [start];
    comp[start] = next;
    while (stack.length > 0) {
      const v = stack.pop()!;
      for (const ci of model.varConstraints[v]) {
        for (const w of model.constraints[ci].vars) {
          if (status[w] !== 'published' && comp[w] < 0) {
            comp[w] = next;
            stack.push(w);
          }
        }
      }
    }
    next++;
  }
  return comp;
}

class ComponentLp {
  readonly local = new Map<number, number>();
  readonly lp: BoundedLp;

  constructor(model: Model, status: VarStatus[], members: number[]) {
    members.forEach((v, i) => this.local.set(v, i));
    const cons = new Set<number>();
    for (const v of members) for (const ci of model.varConstraints[v]) cons.add(ci);
    const A: number[][] = [];
    const b: number[] = [];
    for (const ci of [...cons].sort((x, y) => x - y)) {
      const c = model.constraints[ci];
      const row = new Array<number>(members.length).fill(0);
      let rhs = c.rhs;
      c.vars.forEach((v, k) => {
        const li = this.local.get(v);
        if (li === undefined) rhs -= c.coefs[k] * model.vars[v].value;
        else row[li] += c.coefs[k];
      });
      A.push(row);
      b.push(rhs);
    }
    const bounds = members.map((v) => labelBounds(status[v], model.vars[v].threshold));
    this.lp = new BoundedLp({ A, b, lower: bounds.map((x) => x[0]), upper: bounds.map((x) => x[1]) });
    if (!this.lp.feasible) throw new Error('disclosure audit: the true values violate the model (bug)');
  }

  /** max of x (stopping once `stopAt` is reached); Infinity when unbounded. */
  max(v: number, stopAt: number): number {
    const c = new Array<number>(this.local.size).fill(0);
    c[this.local.get(v)!] = 1;
    const r = this.lp.maximize(c, stopAt);
    return r.status === 'unbounded' ? Infinity : r.value;
  }

  /** min of x (stopping once `stopAt` or lower is reached). */
  min(v: number, stopAt: number): number {
    const c = new Array<number>(this.local.size).fill(0);
    c[this.local.get(v)!] = -1;
    const r = this.lp.maximize(c, -stopAt);
    return r.status === 'unbounded' ? -Infinity : -r.value;
  }
}

/**
 * Checks hidden variables (those in `first` before the rest, each in index order) and returns the
 * failures found; with `stopAtFirst` it returns after the first one.
 */
export function audit(
  model: Model,
  status: VarStatus[],
  first: number[] = [],
  stopAtFirst = false,
): AuditFailure[] {
  const comp = components(model, status);
  const lps = new Map<number, ComponentLp>();
  const lpFor = (v: number): ComponentLp => {
    let lp = lps.get(comp[v]);
    if (!lp) {
      const members = status.flatMap((_, w) => (comp[w] === comp[v] ? [w] : []));
      lp = new ComponentLp(model, status, members);
      lps.set(comp[v], lp);
    }
    return lp;
  };
  const order = [...new Set([...first, ...status.map((_, i) => i)])];
  const failures: AuditFailure[] = [];
  for (const v of order) {
    const s = status[v];
    if (s !== 'primary' && s !== 'complementary') continue;
    const { threshold, value } = model.vars[v];
    const lp = lpFor(v);
    let failure: AuditFailure | null = null;
    if (s === 'primary') {
      const upper = lp.max(v, threshold - 1);
      const lower = upper >= threshold - 1 - TOL ? lp.min(v, 1) : NaN;
      if (!(upper >= threshold - 1 - TOL && lower <= 1 + TOL)) {
        failure = { var: v, reason: 'primary-range', lower, upper };
      }
    } else {
      const upper = lp.max(v, value + 2 * TOL);
      if (upper <= value + TOL) {
        const lower = lp.min(v, value - 2 * TOL);
        if (lower >= value - TOL) failure = { var: v, reason: 'complementary-determined', lower, upper };
      }
    }
    if (failure) {
      failures.push(failure);
      if (stopAtFirst) break;
    }
  }
  return failures;
}
