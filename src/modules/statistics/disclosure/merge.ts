import type { Table } from './types.js';

export interface MergeResult {
  table: Table;
  /** Codes of the rows merged into the "other" row, in their original order (empty when nothing merged). */
  merged: string[];
}

/**
 * Merges the rows whose total is 1..minCount-1 (not publishable) into the `otherCode` row, but only when the
 * merged row is then publishable (total >= minCount). Rows with total 0 or >= minCount stay as they are.
 * An existing `otherCode` row absorbs the merged rows in place; otherwise a new one is appended. The order
 * of the remaining rows is unchanged. Margins are recomputed by summation, so this is only correct for
 * tables whose row dimension is single-valued or whose unit is `mentions`.
 */
export function mergeRareCategories(table: Table, minCount: number, otherCode = 'other'): MergeResult {
  const otherIndex = table.rows.indexOf(otherCode);
  const rare = table.rows.flatMap((code, i) =>
    i !== otherIndex && table.rowTotals[i] >= 1 && table.rowTotals[i] < minCount ? [i] : [],
  );
  const mergedTotal =
    rare.reduce((s, i) => s + table.rowTotals[i], 0) + (otherIndex >= 0 ? table.rowTotals[otherIndex] : 0);
  // merging a single rare row into nothing only renames it
  const wouldMerge = otherIndex >= 0 ? rare.length > 0 : rare.length > 1;
  if (!wouldMerge || mergedTotal < minCount) {
    return { table: cloneTable(table), merged: [] };
  }
  const rareSet = new Set(rare);
  const otherCells = table.cols.map((_, j) =>
    [...rare, ...(otherIndex >= 0 ? [otherIndex] : [])].reduce((s, i) => s + table.cells[i][j], 0),
  );
  const rows: string[] = [];
  const cells: number[][] = [];
  const rowTotals: number[] = [];
  table.rows.forEach((code, i) => {
    if (rareSet.has(i)) return;
    rows.push(code);
    if (i === otherIndex) {
      cells.push(otherCells);
      rowTotals.push(mergedTotal);
    } else {
      cells.push([...table.cells[i]]);
      rowTotals.push(table.rowTotals[i]);
    }
  });
  if (otherIndex < 0) {
    rows.push(otherCode);
    cells.push(otherCells);
    rowTotals.push(mergedTotal);
  }
  return {
    table: { ...table, rows, cells, rowTotals, colTotals: [...table.colTotals], cols: [...table.cols] },
    merged: rare.map((i) => table.rows[i]),
  };
}

function cloneTable(t: Table): Table {
  return {
    ...t,
    rows: [...t.rows],
    cols: [...t.cols],
    cells: t.cells.map((r) => [...r]),
    rowTotals: [...t.rowTotals],
    colTotals: [...t.colTotals],
  };
}
