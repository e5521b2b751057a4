/**
 * Types for statistical disclosure control of published statistics.
 *
 * A {@link Table} holds TRUE counts and TRUE margins; nothing in it may be published before it has been
 * passed through `suppress()`, which returns {@link PublishedTable}s that never carry a true value for a
 * hidden entry.
 */

/** Which unit a table counts (reports, incidents, cases and mentions are different units). */
export type CountUnit = 'reports' | 'incidents' | 'cases' | 'mentions' | 'referrals';

export interface Table {
  /** Unique within a release. */
  id: string;
  unit: CountUnit;
  /** Category codes of the row dimension (never labels). */
  rows: string[];
  /** Category codes of the column dimension, time periods, or `['']` for a one-dimensional table. */
  cols: string[];
  /** True counts, `cells[row][col]`, non-negative integers. */
  cells: number[][];
  /** True row totals (published margins); must equal the row sums of `cells`. */
  rowTotals: number[];
  /** True column totals; must equal the column sums of `cells`. */
  colTotals: number[];
  /** True grand total; must equal the sum of all cells. */
  grandTotal: number;
  /** Minimum publishable count for the cells of this table (>= 3); see `thresholdFor()`. */
  threshold: number;
  /**
   * Minimum publishable count for the margins (>= 3), default `threshold`. A ground × district table has
   * threshold 10 for its cells, but its row totals are ground-only counts and take the base threshold.
   */
  marginThreshold?: number;
}

/** One published quantity of a table: a cell, a row total, a column total or the grand total. */
export type EntryRef =
  | { table: string; kind: 'cell'; row: number; col: number }
  | { table: string; kind: 'rowTotal'; row: number }
  | { table: string; kind: 'colTotal'; col: number }
  | { table: string; kind: 'grandTotal' };

/**
 * A linear equality `sum(coef * value(ref)) = rhs` that an outside reader knows to hold between entries of
 * the tables of a release (e.g. "the year table's row equals the quarter table's row total").
 * Additivity inside each table (cells sum to margins) is implied and need not be listed.
 */
export interface LinearConstraint {
  terms: Array<{ ref: EntryRef; coef: number }>;
  rhs: number;
}

/** Tables published together; `constraints` are the cross-table relations a reader can use. */
export interface Release {
  tables: Table[];
  constraints: LinearConstraint[];
}

/** Why an entry is hidden: too small itself, hidden to protect another one, or the whole table withheld. */
export type HiddenReason = 'primary' | 'complementary' | 'withheld';

export type PublishedEntry =
  | { value: number }
  | {
      hidden: HiddenReason;
      /** `'<5'`/`'<10'` (primary), `'·'` (complementary), `'×'` (withheld table). */
      label: string;
    };

export interface PublishedTable {
  id: string;
  unit: CountUnit;
  rows: string[];
  cols: string[];
  threshold: number;
  /** True when no entry of the table could be published safely (every entry is `'×'`). */
  withheld: boolean;
  cells: PublishedEntry[][];
  rowTotals: PublishedEntry[];
  colTotals: PublishedEntry[];
  grandTotal: PublishedEntry;
}

export interface PublishedRelease {
  tables: PublishedTable[];
  /** Number of entries (distinct quantities) hidden for each reason. */
  summary: { primary: number; complementary: number; withheld: number; auditRounds: number };
}

export const COMPLEMENTARY_LABEL = '·';
export const WITHHELD_LABEL = '×';
export const MIN_THRESHOLD = 3;

export function primaryLabel(threshold: number): string {
  return `<${threshold}`;
}
