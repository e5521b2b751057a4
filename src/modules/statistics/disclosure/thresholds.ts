import { MIN_THRESHOLD, type Release, type Table } from './types.js';

export interface ThresholdSettings {
  /** `statistics.suppression_threshold` (default 5). Never used below 3. */
  suppressionThreshold: number;
  /** `statistics.district_ground_threshold` (default 10) for tables crossing a ground with the district. */
  districtGroundThreshold: number;
}

/** Dimension names that count as "ground" and "district" for the higher threshold. */
const GROUND_DIMENSIONS = new Set(['grounds', 'ground']);
const DISTRICT_DIMENSIONS = new Set(['district', 'districts']);

/** At most two (non-time) dimensions per table; time comes on top as columns or as separate tables. */
export const MAX_DIMENSIONS = 2;

/**
 * The threshold for a table with the given non-time dimensions (e.g. `['grounds', 'district']`).
 * Throws when more than two dimensions are crossed: such tables are not published.
 */
export function thresholdFor(settings: ThresholdSettings, dimensions: readonly string[]): number {
  if (dimensions.length > MAX_DIMENSIONS) {
    throw new Error(
      `a table may cross at most ${MAX_DIMENSIONS} dimensions plus time, got ${dimensions.join(' × ')}`,
    );
  }
  const base = Math.max(MIN_THRESHOLD, Math.floor(settings.suppressionThreshold));
  const crossesGroundDistrict =
    dimensions.some((d) => GROUND_DIMENSIONS.has(d)) && dimensions.some((d) => DISTRICT_DIMENSIONS.has(d));
  return crossesGroundDistrict
    ? Math.max(base, MIN_THRESHOLD, Math.floor(settings.districtGroundThreshold))
    : base;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Throws unless the table is well-formed: shapes, non-negative integer counts, additive margins. */
export function validateTable(t: Table): void {
  const where = `table ${t.id}`;
  if (!Number.isInteger(t.threshold) || t.threshold < MIN_THRESHOLD) {
    throw new Error(`${where}: threshold must be an integer >= ${MIN_THRESHOLD}`);
  }
  if (
    t.marginThreshold !== undefined &&
    (!Number.isInteger(t.marginThreshold) || t.marginThreshold < MIN_THRESHOLD)
  ) {
    throw new Error(`${where}: marginThreshold must be an integer >= ${MIN_THRESHOLD}`);
  }
  if (t.rows.length === 0 || t.cols.length === 0)
    throw new Error(`${where}: needs at least one row and column`);
  if (t.cells.length !== t.rows.length || t.rowTotals.length !== t.rows.length) {
    throw new Error(`${where}: rows, cells and rowTotals differ in length`);
  }
  if (t.colTotals.length !== t.cols.length) throw new Error(`${where}: cols and colTotals differ in length`);
  const colSums = t.cols.map(() => 0);
  let total = 0;
  t.cells.forEach((row, i) => {
    if (row.length !== t.cols.length) throw new Error(`${where}: row ${i} has ${row.length} cells`);
    let sum = 0;
    row.forEach((v, j) => {
      if (!isCount(v)) throw new Error(`${where}: cell [${i}][${j}] is not a non-negative integer`);
      sum += v;
      colSums[j] += v;
    });
    if (t.rowTotals[i] !== sum) throw new Error(`${where}: row total ${i} is not the sum of its cells`);
    total += sum;
  });
  colSums.forEach((s, j) => {
    if (t.colTotals[j] !== s) throw new Error(`${where}: column total ${j} is not the sum of its cells`);
  });
  if (t.grandTotal !== total) throw new Error(`${where}: grand total is not the sum of all cells`);
}

export function validateRelease(r: Release): void {
  const ids = new Set<string>();
  for (const t of r.tables) {
    if (ids.has(t.id)) throw new Error(`duplicate table id ${t.id}`);
    ids.add(t.id);
    validateTable(t);
  }
  for (const c of r.constraints) {
    if (!Number.isFinite(c.rhs)) throw new Error('constraint rhs must be finite');
    for (const term of c.terms) {
      if (!ids.has(term.ref.table)) throw new Error(`constraint refers to unknown table ${term.ref.table}`);
      if (!Number.isFinite(term.coef)) throw new Error('constraint coefficient must be finite');
    }
  }
}
