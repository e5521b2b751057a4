import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReportPdf, type ReportData, type ReportTable } from './pdf-renderer.js';
import { loadLayout } from './report-layout.js';
import { REPORT_TEXTS, type ReportLang } from './report-texts.js';

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const cell = (text: string) => ({ text, hidden: /^\D/.test(text) });

function data(lang: ReportLang): ReportData {
  const tables = new Map<string, ReportTable>();
  tables.set('referrals.services', {
    id: 'referrals.services',
    title: lang === 'de' ? 'Verweisungen nach Leistungsart' : 'Referrals by service',
    unit: lang === 'de' ? 'Verweisungen' : 'Referrals',
    unitNote: '',
    twoD: false,
    cols: [''],
    rows: [
      { label: 'Rechtsberatung', cells: [cell('12')], total: null },
      { label: 'Sprachmittlung', cells: [cell('<5')], total: null },
      { label: 'Sonstige', cells: [cell('·')], total: null },
    ],
    colTotals: [],
    grandTotal: cell('21'),
    withheld: false,
  });
  const units = REPORT_TEXTS[lang].units;
  return {
    lang,
    kind: 'quarter',
    periodLabel: 'Q3 2026',
    periodRange: '2026-07-01 – 2026-09-30',
    generatedOn: '1. Oktober 2026',
    keyFigures: (['reports', 'incidents', 'cases'] as const).map((u) => ({
      unit: units[u],
      current: '27',
      previous: '<5',
      changeToPrevious: '–',
      sameLastYear: '19',
      changeToLastYear: '+8',
    })),
    previousLabel: 'Q2 2026',
    lastYearLabel: 'Q3 2025',
    medians: { firstResponse: '2,5 Tage', closure: '–' },
    suppression: { primary: 3, complementary: 2, withheld: 0 },
    tables,
    methodology: 'Methodik.',
  };
}

const describeIf = hasPdftotext() ? describe : describe.skip;

/** The summary table's headings are long in German: they wrap between words, never inside one. */
describeIf('periodic report PDF: table headings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anl-pdf-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function summaryPage(lang: ReportLang): Promise<string> {
    const pdf = await renderReportPdf(loadLayout(), data(lang));
    const file = join(dir, `r-${lang}.pdf`);
    writeFileSync(file, pdf);
    // cover, contents, then the summary (page 3)
    return execFileSync('pdftotext', ['-layout', '-f', '3', '-l', '3', file, '-'], { encoding: 'utf8' });
  }

  it.each(['de', 'en'] as const)(
    '%s: every word of the summary headings stays whole',
    async (lang) => {
      const tx = REPORT_TEXTS[lang];
      const text = await summaryPage(lang);
      const headings = [tx.unit, tx.previous, tx.change, tx.lastYear, 'Q3 2026', '(Q2 2026)', '(Q3 2025)'];
      const words = headings.flatMap((h) => h.split(/\s+/)).filter(Boolean);
      expect(words.length).toBeGreaterThan(6);
      const tokens = new Set(text.split(/\s+/));
      for (const w of words) expect(tokens).toContain(w);
      // no fragment of a heading word on a line of its own (what a mid-word break leaves behind)
      for (const w of words.filter((x) => x.length > 3))
        for (let cut = 2; cut < w.length - 1; cut++) {
          expect(tokens).not.toContain(w.slice(0, cut));
          expect(tokens).not.toContain(w.slice(cut));
        }
      // the figures are in the table
      expect(text).toMatch(new RegExp(`${tx.units.reports}\\s+27\\s+<5\\s+–\\s+19\\s+\\+8`));
    },
    60_000,
  );

  it('shows the referral tables of the release (hidden entries only as their labels)', async () => {
    const pdf = await renderReportPdf(loadLayout(), data('de'));
    const file = join(dir, 'r-ref.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Verweisungen nach Leistungsart');
    expect(text).toMatch(/Rechtsberatung\s+12/);
    expect(text).toMatch(/Sprachmittlung\s+<5/);
    expect(text).toMatch(/Summe\s+21/);
  }, 60_000);
});
