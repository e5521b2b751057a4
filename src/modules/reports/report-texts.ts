/** Fixed wording of the PDF (German and English); section titles come from the layout file. */
export const REPORT_TEXTS = {
  de: {
    anonymised: 'Anonymisierte Statistik',
    quarter: 'Quartalsbericht',
    year: 'Jahresbericht',
    month: 'Monatsbericht',
    period: 'Berichtszeitraum',
    generated: 'Erstellt am',
    page: 'Seite {n} von {total}',
    unit: 'Einheit',
    current: 'Zeitraum',
    previous: 'Vorzeitraum',
    lastYear: 'Vorjahr',
    change: 'Veränderung',
    total: 'Summe',
    category: 'Kategorie',
    count: 'Anzahl',
    withheld: 'Diese Tabelle wird zum Schutz der Betroffenen zurückgehalten (×).',
    mentions: 'Gezählt werden Nennungen: ein Fall kann mehrere nennen.',
    medianFirst: 'Median Tage bis zur ersten Reaktion',
    medianClosure: 'Median Tage bis zum Abschluss',
    hiddenLegend: 'Schraffierte Balken: verdeckter Wert, nicht maßstabsgetreu.',
    suppressed:
      'Verdeckte Angaben: {primary} kleine Zahlen, {complementary} ergänzend verdeckt, {withheld} zurückgehalten.',
    referralsTotal: 'Gesendete Verweisungen',
    byStatus: 'nach Stand',
    byService: 'nach Leistungsart',
    units: { reports: 'Meldungen', incidents: 'Vorfälle', cases: 'Fälle', mentions: 'Nennungen' },
  },
  en: {
    anonymised: 'Anonymised statistics',
    quarter: 'Quarterly report',
    year: 'Annual report',
    month: 'Monthly report',
    period: 'Period',
    generated: 'Generated on',
    page: 'Page {n} of {total}',
    unit: 'Unit',
    current: 'Period',
    previous: 'Previous period',
    lastYear: 'Previous year',
    change: 'Change',
    total: 'Total',
    category: 'Category',
    count: 'Count',
    withheld: 'This table is withheld to protect the people concerned (×).',
    mentions: 'Counts mentions: one case may name several.',
    medianFirst: 'Median days to first response',
    medianClosure: 'Median days to closure',
    hiddenLegend: 'Hatched bars: hidden value, not drawn to scale.',
    suppressed: 'Hidden entries: {primary} small counts, {complementary} complementary, {withheld} withheld.',
    referralsTotal: 'Referrals sent',
    byStatus: 'by status',
    byService: 'by service type',
    units: { reports: 'Reports', incidents: 'Incidents', cases: 'Cases', mentions: 'Mentions' },
  },
} as const;

export type ReportLang = keyof typeof REPORT_TEXTS;
export type ReportTexts = (typeof REPORT_TEXTS)[ReportLang];

export const fill = (s: string, params: Record<string, string | number>): string =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
