/** Test helpers: build well-formed tables from a matrix of true counts. */
import type { CountUnit, Table } from '../types.js';

export function makeTable(
  id: string,
  cells: number[][],
  threshold: number,
  opts: { rows?: string[]; cols?: string[]; unit?: CountUnit; marginThreshold?: number } = {},
): Table {
  const rows = opts.rows ?? cells.map((_, i) => `r${i}`);
  const cols = opts.cols ?? (cells[0].length === 1 ? [''] : cells[0].map((_, j) => `c${j}`));
  const rowTotals = cells.map((r) => r.reduce((s, v) => s + v, 0));
  const colTotals = cols.map((_, j) => cells.reduce((s, r) => s + r[j], 0));
  return {
    id,
    unit: opts.unit ?? 'reports',
    rows,
    cols,
    cells: cells.map((r) => [...r]),
    rowTotals,
    colTotals,
    grandTotal: rowTotals.reduce((s, v) => s + v, 0),
    threshold,
    ...(opts.marginThreshold !== undefined ? { marginThreshold: opts.marginThreshold } : {}),
  };
}
