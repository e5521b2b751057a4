import type { PublishedEntry } from './disclosure/index.js';
import type { StatisticsView } from './statistics.service.js';

const cell = (v: string): string => {
  // codes and labels only, but quote defensively and never start a cell with a formula character
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const out = (e: PublishedEntry): string => ('value' in e ? String(e.value) : e.label);

/**
 * The release as CSV: one block per table (separated by an empty line), each line
 * `table,unit,row,column,value` where value is the count or the label of a hidden entry ("<5", "·", "×").
 * Margins use the row or column code `_total`. Medians follow as a block of unit `days`.
 */
export function toCsv(s: StatisticsView): string {
  const lines: string[] = ['table,unit,row,column,value'];
  const blocks: string[][] = [];
  for (const t of s.release.tables) {
    const b: string[] = [];
    const line = (row: string, col: string, e: PublishedEntry) =>
      b.push([t.id, t.unit, row, col, out(e)].map(cell).join(','));
    const twoD = t.cols.length > 1;
    t.rows.forEach((r, i) => {
      t.cols.forEach((c, j) => line(r, c, t.cells[i][j]));
      if (twoD) line(r, '_total', t.rowTotals[i]);
    });
    if (twoD) t.cols.forEach((c, j) => line('_total', c, t.colTotals[j]));
    if (t.rows.length > 1 || twoD) line('_total', '_total', t.grandTotal);
    blocks.push(b);
  }
  blocks.push(
    (['firstResponse', 'closure'] as const).map((k) => {
      const m = s.medians[k];
      return ['medians', 'days', k, 'median', m.days === null ? (m.hidden ? 'hidden' : '') : String(m.days)]
        .map(cell)
        .join(',');
    }),
  );
  return '\uFEFF' + [lines.join('\n'), ...blocks.map((b) => b.join('\n'))].join('\n\n') + '\n';
}
