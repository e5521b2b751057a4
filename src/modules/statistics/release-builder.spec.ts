import fc from 'fast-check';
import { GROUNDS, LIFE_AREAS, OUTCOMES, SERVICE_TYPES } from '../../common/domain/vocabulary.js';
import { suppress } from './disclosure/suppress.js';
import { checkProtection } from './disclosure/testing/independent-bounds.js';
import { parsePeriod } from './period.js';
import {
  buildStatistics,
  referralRelease,
  type CaseCodes,
  type ReferralCodes,
  type StatisticsInput,
} from './release-builder.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function input(n: number, seed = 1): StatisticsInput {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const skewed = <T>(xs: readonly T[]): T => xs[Math.floor(r() * r() * xs.length)];
  const cases: CaseCodes[] = Array.from({ length: n }, () => ({
    grounds: [skewed(GROUNDS), ...(r() < 0.3 ? [skewed(GROUNDS)] : [])],
    forms: [pick(['direct', 'harassment', 'insult'])],
    level: r() < 0.1 ? null : pick(['individual', 'institutional']),
    lifeArea: skewed(LIFE_AREAS),
    perpetratorType: r() < 0.2 ? null : skewed(['business', 'landlord', 'police', 'private_person']),
    district: skewed(['mitte', 'nord', 'sued', 'west', 'ost', 'online']),
    status: pick(['open', 'closed', 'triage']),
    outcome: null,
    quarter: 1 + Math.floor(r() * 4),
  }));
  return {
    period: parsePeriod('2025', new Date('2026-03-01')),
    cases,
    reports: cases.map(() => ({
      channel: skewed(['web_form', 'phone', 'email', 'letter']),
      reporterRole: skewed(['affected', 'witness', 'organisation']),
      lifeArea: skewed(LIFE_AREAS),
    })),
    incidents: n + 3,
    interventions: { counselling_talk: Math.floor(n / 2), mediation: 2, referral: 1 },
    referrals: cases
      .filter(() => r() < 0.4)
      .map(() => ({
        serviceType: skewed(['legal_aid', 'psychosocial_support', 'victim_support', 'interpreting']),
        status: skewed(['sent', 'accepted', 'completed', 'declined', 'revoked']),
        outcome: r() < 0.5 ? null : skewed(['settled', 'referred_on', 'unknown']),
      })),
    previous: { reports: 3, incidents: 12, cases: 0 },
    sameLastYear: { reports: 3, incidents: 12, cases: 0 },
    firstResponse: { n: 4, medianDays: 2.25 },
    closure: { n: 30, medianDays: 12.345 },
    districts: ['mitte', 'nord', 'ost', 'sued', 'west'],
    thresholds: { suppressionThreshold: 5, districtGroundThreshold: 10 },
  };
}

describe('buildStatistics', () => {
  it('counts a row with `n` as n rows: reports and referrals tallied by code combination give the same release', () => {
    const rows = input(300, 7);
    const grouped = <T extends object>(list: T[]): Array<T & { n: number }> => {
      const m = new Map<string, T & { n: number }>();
      for (const x of list) {
        const key = JSON.stringify(x);
        const e = m.get(key);
        if (e) e.n += 1;
        else m.set(key, { ...x, n: 1 });
      }
      return [...m.values()];
    };
    const byCombination = { ...rows, reports: grouped(rows.reports), referrals: grouped(rows.referrals) };
    expect(byCombination.reports.length).toBeLessThan(rows.reports.length / 3);
    expect(buildStatistics(byCombination)).toEqual(buildStatistics(rows));
  });

  it('publishes no count from 1 to threshold-1 and is deterministic', () => {
    const started = Date.now();
    const a = buildStatistics(input(120));
    const elapsed = Date.now() - started;
    expect(buildStatistics(input(120))).toEqual(a);
    for (const t of a.release.tables) {
      const entries = [...t.cells.flat(), ...t.rowTotals, ...t.colTotals, t.grandTotal];
      for (const e of entries)
        if ('value' in e)
          expect(e.value === 0 || e.value >= t.threshold || t.id === 'cases.grounds_by_district').toBe(true);
      for (const e of entries) if ('value' in e) expect(e.value === 0 || e.value >= 5).toBe(true);
    }
    const gd = a.release.tables.find((t) => t.id === 'cases.grounds_by_district')!;
    for (const e of gd.cells.flat()) if ('value' in e) expect(e.value === 0 || e.value >= 10).toBe(true);
    expect(elapsed).toBeLessThan(20_000);
  });

  it('says what each table counts and links the key figures', () => {
    const s = buildStatistics(input(60, 7));
    expect(s.tables.find((t) => t.id === 'cases.grounds')!.unit).toBe('mentions');
    expect(s.tables.find((t) => t.id === 'cases.life_areas_by_quarter')!.colDimension).toBe('quarters');
    const reports = s.keyFigures.find((k) => k.unit === 'reports')!;
    expect(reports.previous).toEqual({ hidden: 'primary', label: '<5' });
    expect(reports.changeToPrevious).toBeNull();
    const incidents = s.keyFigures.find((k) => k.unit === 'incidents')!;
    expect(incidents.changeToPrevious).toBe(63 - 12);
    expect(s.medians.firstResponse).toEqual({ days: null, hidden: true });
    expect(s.medians.closure).toEqual({ days: 12.3, hidden: false });
  });

  it('merges the same rare rows in linked tables', () => {
    const s = buildStatistics(input(40, 3));
    const rows = (id: string) => s.release.tables.find((t) => t.id === id)!.rows;
    expect(rows('cases.grounds_by_district')).toEqual(rows('cases.grounds'));
    expect(rows('cases.life_areas_by_quarter')).toEqual(rows('cases.life_areas'));
  });

  it('publishes referrals by service, status and outcome as linked tables of the release', () => {
    const s = buildStatistics(input(120, 5));
    const ids = ['referrals.services', 'referrals.statuses', 'referrals.outcomes'];
    const published = ids.map((id) => s.release.tables.find((t) => t.id === id)!);
    for (const t of published) {
      expect(t.unit).toBe('referrals');
      for (const e of [...t.cells.flat(), t.grandTotal])
        if ('value' in e) expect(e.value === 0 || e.value >= 5).toBe(true);
    }
    // one population: the three grand totals are the same entry
    expect(published[1].grandTotal).toEqual(published[0].grandTotal);
    expect(published[2].grandTotal).toEqual(published[0].grandTotal);
    expect(s.tables.find((t) => t.id === 'referrals.outcomes')!.rowDimension).toBe('referral_outcomes');
  });

  it('protects the referral tables against each other (independent bound check, random releases)', () => {
    const referral: fc.Arbitrary<ReferralCodes> = fc.record({
      serviceType: fc.constantFrom(...SERVICE_TYPES.slice(0, 5)),
      status: fc.constantFrom('sent', 'accepted', 'declined', 'completed', 'revoked'),
      outcome: fc.option(fc.constantFrom(...OUTCOMES.slice(0, 4)), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(referral, { maxLength: 40 }), fc.integer({ min: 3, max: 6 }), (list, t) => {
        const { release } = referralRelease(list, t);
        const out = suppress(structuredClone(release));
        expect(checkProtection(release, out)).toEqual([]);
        for (const pt of out.tables)
          for (const e of [...pt.cells.flat(), pt.grandTotal])
            if ('value' in e) expect(e.value === 0 || e.value >= t).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
