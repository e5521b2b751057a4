import type { ViewRenderer } from '../../common/views/view-renderer.js';
import { barChart } from './bar-chart.js';
import type { PublishedEntry, PublishedTable } from './disclosure/index.js';
import type { Dimension } from './release-builder.js';
import type { StatisticsView } from './statistics.service.js';

/** i18n key prefix of each dimension's labels (codes outside it fall back to statistics.codes.*). */
const LABEL_KEYS: Record<Dimension, string> = {
  total: 'statistics.codes',
  grounds: 'vocab.grounds',
  forms: 'vocab.forms',
  levels: 'vocab.levels',
  life_areas: 'intake.form.area',
  perpetrators: 'vocab.perpetrators',
  districts: 'intake.places',
  statuses: 'cases.statuses',
  outcomes: 'vocab.outcomes',
  channels: 'vocab.channels',
  reporter_roles: 'intake.staff_view.roles',
  interventions: 'vocab.interventions',
  quarters: 'statistics.codes',
  services: 'referrals.help.services',
  referral_statuses: 'referrals.statuses',
  referral_outcomes: 'vocab.outcomes',
};

const text = (e: PublishedEntry): string => ('value' in e ? String(e.value) : e.label);

/** The page context: tables with labels, charts, key figures; built only from the published release. */
export function pageModel(
  s: StatisticsView,
  renderer: ViewRenderer,
  lang: string,
  dir: 'ltr' | 'rtl',
  districtLabels: Map<string, string>,
) {
  const t = (key: string, params?: Record<string, string | number>) => renderer.t(lang, key, params);
  const label = (dimension: Dimension, code: string): string => {
    if (code === 'other' || code === 'not_recorded' || code === 'total') return t(`statistics.codes.${code}`);
    if (dimension === 'districts' && districtLabels.has(code)) return districtLabels.get(code)!;
    if (dimension === 'quarters') return code.replace(/^(\d{4})-Q(\d)$/, 'Q$2 $1');
    const key = `${LABEL_KEYS[dimension]}.${code}`;
    const v = t(key);
    return v === key ? code : v;
  };
  const info = new Map(s.tables.map((i) => [i.id, i]));
  const tables = s.release.tables
    .filter((pt) => !info.get(pt.id)!.keyFigure)
    .map((pt: PublishedTable) => {
      const i = info.get(pt.id)!;
      const title = t(`statistics.tables.${pt.id.replace(/\./g, '_')}`);
      const unit = t(`statistics.units.${pt.unit}`);
      const twoD = pt.cols.length > 1;
      const cols = twoD ? pt.cols.map((c) => label(i.colDimension!, c)) : [unit];
      const rows = pt.rows.map((code, r) => ({
        label: label(i.rowDimension, code),
        cells: pt.cells[r].map((e) => ({ text: text(e), hidden: !('value' in e) })),
        total: twoD ? { text: text(pt.rowTotals[r]), hidden: !('value' in pt.rowTotals[r]) } : null,
      }));
      const chart = twoD
        ? null
        : barChart({
            id: `chart-${pt.id}`,
            title,
            desc: t('statistics.chart_desc', { unit }),
            hiddenLegend: t('statistics.chart_hidden'),
            dir,
            bars: pt.rows.map((code, r) => {
              const e = pt.cells[r][0];
              return 'value' in e
                ? { label: label(i.rowDimension, code), value: e.value }
                : { label: label(i.rowDimension, code), value: null, hiddenLabel: e.label };
            }),
          });
      return {
        id: pt.id.replace(/\./g, '-'),
        title,
        unit,
        unitNote: pt.unit === 'mentions' ? t('statistics.mentions_note') : '',
        twoD,
        cols,
        rows,
        colTotals: twoD ? pt.colTotals.map((e) => ({ text: text(e), hidden: !('value' in e) })) : [],
        grandTotal: { text: text(pt.grandTotal), hidden: !('value' in pt.grandTotal) },
        withheld: pt.withheld,
        thresholdNote:
          pt.threshold !== s.thresholds.base ? t('statistics.higher_threshold', { n: pt.threshold }) : '',
        merged: i.merged.map((c) => label(i.rowDimension, c)).join(', '),
        chart,
      };
    });
  const keyFigures = s.keyFigures.map((k) => ({
    unit: t(`statistics.units.${k.unit}`),
    current: text(k.current),
    previous: text(k.previous),
    sameLastYear: text(k.sameLastYear),
    changeToPrevious: k.changeToPrevious === null ? '–' : signed(k.changeToPrevious),
    changeToLastYear: k.changeToLastYear === null ? '–' : signed(k.changeToLastYear),
  }));
  const median = (m: { days: number | null; hidden: boolean }) =>
    m.days !== null
      ? t('statistics.days', { n: m.days.toLocaleString(lang === 'ls' ? 'de' : lang) })
      : m.hidden
        ? t('statistics.median_hidden', { n: s.thresholds.base })
        : '–';
  return {
    tables,
    keyFigures,
    medians: { firstResponse: median(s.medians.firstResponse), closure: median(s.medians.closure) },
  };
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0';
}
