import PDFDocument from 'pdfkit';
import { FONT_BOLD, FONT_REGULAR, pick, type LayoutSection, type ReportLayout } from './report-layout.js';
import { fill, REPORT_TEXTS, type ReportLang } from './report-texts.js';

/** A published entry as text: a count or a hiding label ("<5", "·", "×"). Never a true hidden value. */
export interface Cell {
  text: string;
  hidden: boolean;
}

export interface ReportTable {
  /** statistics table id with dots, e.g. `cases.grounds` */
  id: string;
  /** the table's title on the dashboard (used as a sub-heading where a section shows several tables) */
  title: string;
  unit: string;
  unitNote: string;
  twoD: boolean;
  cols: string[];
  rows: { label: string; cells: Cell[]; total: Cell | null }[];
  colTotals: Cell[];
  grandTotal: Cell;
  withheld: boolean;
}

export interface ReportData {
  lang: ReportLang;
  kind: 'month' | 'quarter' | 'year';
  periodLabel: string;
  periodRange: string;
  generatedOn: string;
  keyFigures: {
    unit: string;
    current: string;
    previous: string;
    changeToPrevious: string;
    sameLastYear: string;
    changeToLastYear: string;
  }[];
  previousLabel: string;
  lastYearLabel: string;
  medians: { firstResponse: string; closure: string };
  suppression: { primary: number; complementary: number; withheld: number };
  tables: Map<string, ReportTable>;
  methodology: string;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const CONTENT = A4.width - 2 * MARGIN;
const BLUE = '#1b4f8a';
const GREY = '#595959';
const TEXT = '#1a1a1a';
const HIDDEN_BAR = 24;
/** the smallest size a table heading shrinks to before a word is shortened */
const MIN_HEADER_SIZE = 6.5;
/** The tables the `referrals` section shows, in this order (the first with a bar chart). */
const REFERRAL_TABLE_IDS = ['referrals.services', 'referrals.statuses', 'referrals.outcomes'];

/** Renders the periodic report with pdfkit's vector primitives; embedded DejaVu Sans covers German fully. */
export function renderReportPdf(
  layout: ReportLayout,
  data: ReportData,
  opts: { compress?: boolean } = {},
): Promise<Buffer> {
  const tx = REPORT_TEXTS[data.lang];
  const title = `${tx[data.kind]} ${data.periodLabel}`;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    autoFirstPage: false,
    compress: opts.compress ?? true,
    lang: data.lang,
    displayTitle: true,
    info: {
      Title: `${title} – ${pick(layout.city, data.lang)}`,
      Subject: tx.anonymised,
      Author: pick(layout.issuer, data.lang),
      Creator: 'Anlaufstelle',
      Producer: 'Anlaufstelle (pdfkit)',
      Keywords: `${tx.anonymised}, ${data.periodLabel}`,
    },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const bottom = () => A4.height - MARGIN;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  const heading = (s: string) => {
    doc.font('bold').fontSize(16).fillColor(BLUE).text(s, MARGIN, doc.y, { width: CONTENT });
    doc.moveDown(0.5).font('regular').fontSize(10).fillColor(TEXT);
  };
  const para = (s: string, size = 10) =>
    doc.font('regular').fontSize(size).fillColor(TEXT).text(s, MARGIN, doc.y, { width: CONTENT });

  /**
   * Splits a heading into lines at word boundaries only (spaces, and after a hyphen or a slash), at the
   * largest size from `size` down to MIN_HEADER_SIZE at which every word fits its column; a word that
   * still does not fit is shortened with an ellipsis rather than broken in the middle.
   */
  const fitHeader = (
    texts: string[],
    widths: number[],
    size: number,
  ): { size: number; lines: string[][] } => {
    const words = (t: string) => t.split(/\s+|(?<=[-/])/).filter(Boolean);
    const width = (w: string, sz: number) => doc.font('bold').fontSize(sz).widthOfString(w);
    let sz = size;
    const tooWide = (sz0: number) =>
      texts.some((t, i) => words(t).some((w) => width(w, sz0) > widths[i] - 6));
    while (sz > MIN_HEADER_SIZE && tooWide(sz)) sz -= 0.25;
    const lines = texts.map((t, i) => {
      const room = widths[i] - 6;
      const out: string[] = [];
      for (let w of words(t)) {
        while (w.length > 1 && width(w, sz) > room) w = `${w.slice(0, -2)}…`;
        const last = out.length - 1;
        const joined =
          last >= 0
            ? out[last].endsWith('-') || out[last].endsWith('/')
              ? out[last] + w
              : `${out[last]} ${w}`
            : w;
        if (last >= 0 && width(joined, sz) <= room) out[last] = joined;
        else out.push(w);
      }
      return out;
    });
    return { size: sz, lines };
  };

  /**
   * A grid table; repeats its header on a new page. `fitLabels`: the first column only as wide as its
   * longest label (the summary), so the value columns get the room their headings need.
   */
  const grid = (
    header: string[],
    rows: { cells: string[]; bold?: boolean; hidden?: boolean[] }[],
    opts: { fitLabels?: boolean } = {},
  ) => {
    const n = header.length;
    const size = n > 6 ? 7.5 : 9;
    let labelW = n > 4 ? Math.max(110, CONTENT - (n - 1) * 62) : CONTENT * 0.55;
    if (opts.fitLabels) {
      const longest = Math.max(
        ...[header[0], ...rows.map((r) => r.cells[0])].map((c) =>
          doc.font('bold').fontSize(size).widthOfString(c),
        ),
      );
      labelW = Math.min(labelW, Math.max(70, longest + 10));
    }
    const valueW = (CONTENT - labelW) / Math.max(1, n - 1);
    const widths = [labelW, ...Array.from({ length: n - 1 }, () => valueW)];
    const oneRowH = size + 8;
    const head = fitHeader(header, widths, size);
    const headLineH = head.size + 2;
    const headH = Math.max(2, ...head.lines.map((l) => l.length)) * headLineH + 8;
    const drawHeader = () => {
      ensure(headH);
      const y = doc.y;
      doc.rect(MARGIN, y, CONTENT, headH).fill('#eef2f7');
      let x = MARGIN;
      head.lines.forEach((lines, i) => {
        lines.forEach((line, k) =>
          doc
            .font('bold')
            .fontSize(head.size)
            .fillColor(TEXT)
            .text(line, x + 3, y + 4 + k * headLineH, {
              width: widths[i] - 6,
              align: i === 0 ? 'left' : 'right',
              lineBreak: false,
            }),
        );
        x += widths[i];
      });
      rule(y + headH);
    };
    const rule = (y: number) => {
      doc
        .moveTo(MARGIN, y)
        .lineTo(MARGIN + CONTENT, y)
        .lineWidth(0.4)
        .strokeColor('#b0b7c3')
        .stroke();
      doc.x = MARGIN;
      doc.y = y;
    };
    const drawRow = (cells: string[], bold: boolean, hidden?: boolean[]) => {
      ensure(oneRowH);
      const y = doc.y;
      let x = MARGIN;
      cells.forEach((c, i) => {
        doc
          .font(bold ? 'bold' : 'regular')
          .fontSize(size)
          .fillColor(hidden?.[i] ? GREY : TEXT)
          .text(c, x + 3, y + 4, {
            width: widths[i] - 6,
            height: size + 2,
            align: i === 0 ? 'left' : 'right',
            ellipsis: true,
          });
        x += widths[i];
      });
      rule(y + oneRowH);
    };
    ensure(headH + oneRowH * 3);
    drawHeader();
    for (const r of rows) {
      if (doc.y + oneRowH > bottom()) {
        doc.addPage();
        drawHeader();
      }
      drawRow(r.cells, r.bold ?? false, r.hidden);
    }
    doc.moveDown(0.8);
  };

  /** Horizontal bars; a hidden value is a hatched bar of one fixed length with its label, never its true length. */
  const chart = (bars: { label: string; cell: Cell }[]) => {
    const rowH = 16;
    const labelW = 170;
    const plot = CONTENT - labelW - 40;
    const max = Math.max(1, ...bars.map((b) => (b.cell.hidden ? 0 : Number(b.cell.text) || 0)));
    ensure(Math.min(bars.length, 10) * rowH + 10);
    for (const b of bars) {
      ensure(rowH);
      const y = doc.y;
      doc
        .font('regular')
        .fontSize(8)
        .fillColor(TEXT)
        .text(b.label, MARGIN, y + 4, {
          width: labelW - 6,
          align: 'right',
          lineBreak: false,
          ellipsis: true,
        });
      const x0 = MARGIN + labelW;
      let length: number;
      if (b.cell.hidden) {
        length = HIDDEN_BAR;
        doc
          .save()
          .rect(x0, y + 3, length, rowH - 6)
          .clip();
        for (let hx = x0 - rowH; hx < x0 + length; hx += 4)
          doc
            .moveTo(hx, y + rowH)
            .lineTo(hx + rowH, y)
            .lineWidth(1)
            .strokeColor(GREY)
            .stroke();
        doc.restore();
        doc
          .rect(x0, y + 3, length, rowH - 6)
          .lineWidth(0.8)
          .strokeColor(GREY)
          .stroke();
      } else {
        length = Math.round(((Number(b.cell.text) || 0) / max) * plot);
        if (length > 0)
          doc
            .rect(x0, y + 3, length, rowH - 6)
            .fillColor(BLUE)
            .fill();
      }
      doc
        .font('regular')
        .fontSize(8)
        .fillColor(b.cell.hidden ? GREY : TEXT)
        .text(b.cell.text, x0 + length + 4, y + 4, { lineBreak: false });
      doc.x = MARGIN;
      doc.y = y + rowH;
    }
    if (bars.some((b) => b.cell.hidden)) {
      doc.moveDown(0.3);
      para(tx.hiddenLegend, 8);
    }
    doc.moveDown(0.8);
  };

  const toc: { title: string; page: number }[] = [];
  let tocPage = -1;
  const pageIndex = () => doc.bufferedPageRange().start + doc.bufferedPageRange().count - 1;

  const sections = layout.sections;
  for (const s of sections) {
    const sTitle = s.type === 'cover' ? '' : pick(s.title, data.lang);
    switch (s.type) {
      case 'cover':
        doc.addPage();
        doc.rect(0, 0, A4.width, 180).fill(BLUE);
        doc
          .font('bold')
          .fontSize(14)
          .fillColor('#ffffff')
          .text(pick(layout.city, data.lang), MARGIN, 70, { width: CONTENT });
        doc.font('regular').fontSize(11).text(pick(layout.issuer, data.lang), MARGIN, 95, { width: CONTENT });
        doc.font('bold').fontSize(28).fillColor(TEXT).text(tx[data.kind], MARGIN, 260, { width: CONTENT });
        doc.font('regular').fontSize(20).fillColor(BLUE).text(data.periodLabel, { width: CONTENT });
        doc.moveDown(1).fontSize(14).fillColor(TEXT).text(tx.anonymised, { width: CONTENT });
        doc
          .moveDown(2)
          .fontSize(11)
          .text(`${tx.period}: ${data.periodRange}`, { width: CONTENT })
          .text(`${tx.generated}: ${data.generatedOn}`, { width: CONTENT });
        break;
      case 'toc':
        doc.addPage();
        tocPage = pageIndex();
        heading(sTitle);
        break;
      default: {
        doc.addPage();
        toc.push({ title: sTitle, page: pageIndex() });
        heading(sTitle);
        renderSection(s, sTitle);
      }
    }
  }

  /** One published table (and its bar chart): only the released entries and their labels. */
  function table(t: ReportTable | undefined, withChart: boolean): void {
    if (!t) {
      para('×');
      return;
    }
    para(`${tx.unit}: ${t.unit}${t.unitNote ? ` – ${tx.mentions}` : ''}`, 9);
    doc.moveDown(0.4);
    if (t.withheld) {
      para(tx.withheld);
      return;
    }
    const header = t.twoD ? [tx.category, ...t.cols, tx.total] : [tx.category, t.unit];
    const rows = t.rows.map((r) => {
      const cells = t.twoD && r.total ? [...r.cells, r.total] : r.cells;
      return {
        cells: [r.label, ...cells.map((c) => c.text)],
        hidden: [false, ...cells.map((c) => c.hidden)],
      };
    });
    const totals = t.twoD ? [...t.colTotals, t.grandTotal] : [t.grandTotal];
    rows.push({
      cells: [tx.total, ...totals.map((c) => c.text)],
      hidden: [false, ...totals.map((c) => c.hidden)],
    });
    grid(
      header,
      rows.map((r, i) => ({ ...r, bold: i === rows.length - 1 })),
    );
    if (withChart && !t.twoD) chart(t.rows.map((r) => ({ label: r.label, cell: r.cells[0] })));
  }

  function renderSection(s: LayoutSection, sTitle: string): void {
    if (s.type === 'summary') {
      grid(
        [
          tx.unit,
          data.periodLabel,
          `${tx.previous} (${data.previousLabel})`,
          tx.change,
          `${tx.lastYear} (${data.lastYearLabel})`,
          tx.change,
        ],
        data.keyFigures.map((k) => ({
          cells: [k.unit, k.current, k.previous, k.changeToPrevious, k.sameLastYear, k.changeToLastYear],
        })),
        { fitLabels: true },
      );
      para(`${tx.medianFirst}: ${data.medians.firstResponse}`);
      para(`${tx.medianClosure}: ${data.medians.closure}`);
      doc.moveDown(0.5);
      para(fill(tx.suppressed, data.suppression), 9);
    } else if (s.type === 'table') {
      table(data.tables.get(s.table), s.chart);
    } else if (s.type === 'referrals') {
      // the referral tables of the release: disclosure-controlled like every other table
      for (const [i, id] of REFERRAL_TABLE_IDS.entries()) {
        const t = data.tables.get(id);
        if (!t) continue;
        ensure(80);
        doc.font('bold').fontSize(12).fillColor(BLUE).text(t.title, MARGIN, doc.y, { width: CONTENT });
        doc.moveDown(0.3);
        table(t, i === 0);
      }
    } else if (s.type === 'methodology') {
      for (const p of data.methodology.split(/\n\s*\n/)) {
        ensure(40);
        para(p.replace(/\n(?!-)/g, ' '), 9.5);
        doc.moveDown(0.6);
      }
    }
    void sTitle;
  }

  // table of contents, then page numbers on every page but the cover
  const range = doc.bufferedPageRange();
  if (tocPage >= 0) {
    doc.switchToPage(tocPage);
    let y = doc.page.margins.top + 40;
    for (const e of toc) {
      doc.font('regular').fontSize(11).fillColor(TEXT);
      doc.text(e.title, MARGIN, y, { width: CONTENT - 40, lineBreak: false, ellipsis: true });
      doc.text(String(e.page + 1), MARGIN + CONTENT - 40, y, { width: 40, align: 'right', lineBreak: false });
      y += 20;
    }
  }
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const oldBottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(8)
      .fillColor(GREY)
      .text(fill(tx.page, { n: i + 1, total: range.count }), MARGIN, A4.height - MARGIN / 2 - 4, {
        width: CONTENT,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = oldBottom;
  }
  doc.end();
  return done;
}
