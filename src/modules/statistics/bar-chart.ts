/**
 * Server-rendered horizontal bar charts as inline SVG (no JavaScript, no inline styles: the CSP allows
 * none). The table next to the chart is the data alternative. A hidden value is drawn as a grey hatched
 * bar of one fixed length with its label ("<5", "·", "×") — never with its true length.
 */

export interface Bar {
  label: string;
  /** the published value, or null when hidden */
  value: number | null;
  /** shown instead of the value when hidden */
  hiddenLabel?: string;
}

export interface BarChartOptions {
  id: string;
  title: string;
  desc: string;
  bars: Bar[];
  dir: 'ltr' | 'rtl';
  /** accessible name of the hatched-bar legend */
  hiddenLegend: string;
}

const WIDTH = 640;
const LABEL_WIDTH = 220;
const VALUE_WIDTH = 56;
const ROW = 28;
const BAR = 18;
const PAD = 8;
/** length of the bar for a hidden value: fixed, independent of the value */
const HIDDEN_LENGTH = 36;
// contrast on white: bar #1b4f8a 8.6:1, hatch #595959 7:1, text #1a1a1a 17:1
const BAR_FILL = '#1b4f8a';
const HATCH = '#595959';
const TEXT = '#1a1a1a';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function truncate(s: string, max = 30): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function barChart(o: BarChartOptions): string {
  const id = o.id.replace(/[^a-zA-Z0-9_-]/g, '-');
  const rtl = o.dir === 'rtl';
  const height = PAD * 2 + o.bars.length * ROW;
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH - PAD * 2;
  const max = Math.max(1, ...o.bars.map((b) => b.value ?? 0));
  // x along the inline axis; mirrored for right-to-left pages
  const x = (start: number, length = 0): number => (rtl ? WIDTH - start - length : start);
  const anchor = (a: 'start' | 'end'): string => (rtl ? (a === 'start' ? 'end' : 'start') : a);
  const rows = o.bars.map((b, i) => {
    const y = PAD + i * ROW;
    const barStart = PAD + LABEL_WIDTH;
    const hidden = b.value === null;
    const length = hidden ? HIDDEN_LENGTH : Math.round((b.value! / max) * plot);
    const shown = hidden ? (b.hiddenLabel ?? '') : String(b.value);
    const bar =
      length > 0
        ? `<rect x="${x(barStart, length)}" y="${y + (ROW - BAR) / 2}" width="${length}" height="${BAR}" ${
            hidden ? `fill="url(#${id}-hatch)" stroke="${HATCH}" stroke-width="1"` : `fill="${BAR_FILL}"`
          }/>`
        : '';
    const labelX = x(barStart - PAD);
    const valueX = x(barStart + length + 6);
    return (
      `<g>` +
      `<text x="${labelX}" y="${y + ROW / 2}" dominant-baseline="middle" text-anchor="${anchor('end')}" fill="${TEXT}" font-size="13">${escapeXml(truncate(b.label))}</text>` +
      bar +
      `<text x="${valueX}" y="${y + ROW / 2}" dominant-baseline="middle" text-anchor="${anchor('start')}" fill="${TEXT}" font-size="13"${
        hidden ? ' font-style="italic"' : ''
      }>${escapeXml(shown)}</text>` +
      `</g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="stat-chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" direction="${o.dir}">` +
    `<title id="${id}-title">${escapeXml(o.title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(o.desc)} ${escapeXml(o.hiddenLegend)}</desc>` +
    `<defs><pattern id="${id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${HATCH}" stroke-width="2"/></pattern></defs>` +
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>` +
    `<g aria-hidden="true">${rows.join('')}</g>` +
    `</svg>`
  );
}
