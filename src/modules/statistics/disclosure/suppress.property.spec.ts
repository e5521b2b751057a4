/**
 * Property-based tests: random releases → suppress → the independent integer check in
 * testing/independent-bounds.ts (no shared code with the LP audit) must find nothing.
 */
import fc from 'fast-check';
import { linkGrandTotals, linkPeriodsToTotal, linkSharedRowTotals } from './model.js';
import { suppress } from './suppress.js';
import { checkProtection } from './testing/independent-bounds.js';
import { makeTable } from './testing/tables.js';
import type { Release, Table } from './types.js';

const count = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 9 }) },
  { weight: 4, arbitrary: fc.integer({ min: 10, max: 60 }) },
);
const threshold = fc.integer({ min: 3, max: 10 });
const matrix = (rows: number, cols: number): fc.Arbitrary<number[][]> =>
  fc.array(fc.array(count, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

/** Splits `total` into `parts` non-negative integers. */
const split = (total: number, parts: number): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 0, max: total }), { minLength: parts - 1, maxLength: parts - 1 }).map((cuts) => {
    const sorted = [0, ...cuts.sort((a, b) => a - b), total];
    return sorted.slice(1).map((v, i) => v - sorted[i]);
  });

const singleTable: fc.Arbitrary<Release> = fc
  .record({ r: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 1, max: 4 }), t: threshold })
  .chain(({ r, c, t }) => matrix(r, c).map((m) => ({ tables: [makeTable('a', m, t)], constraints: [] })));

/** Two tables over the same rows sharing their row totals (e.g. ground × life area and ground × district). */
const sharedRows: fc.Arbitrary<Release> = fc
  .record({
    r: fc.integer({ min: 1, max: 4 }),
    c1: fc.integer({ min: 1, max: 4 }),
    c2: fc.integer({ min: 1, max: 3 }),
    t1: threshold,
    t2: threshold,
  })
  .chain(({ r, c1, c2, t1, t2 }) =>
    matrix(r, c1).chain((m1) =>
      fc
        .tuple(
          ...m1.map((row) =>
            split(
              row.reduce((s, v) => s + v, 0),
              c2,
            ),
          ),
        )
        .map((m2) => {
          const a = makeTable('a', m1, t1);
          const b = makeTable('b', m2, t2);
          return { tables: [a, b], constraints: linkSharedRowTotals(a, b) };
        }),
    ),
  );

/** Quarters against their year: rows × Q1..Q4 and rows × year, linked by Q1+Q2+Q3+Q4 = year per row. */
const quartersAndYear: fc.Arbitrary<Release> = fc
  .record({ r: fc.integer({ min: 1, max: 4 }), t1: threshold, t2: threshold })
  .chain(({ r, t1, t2 }) =>
    matrix(r, 4).map((m) => {
      const q = makeTable('q', m, t1, { cols: ['Q1', 'Q2', 'Q3', 'Q4'] });
      const y = makeTable(
        'y',
        q.rowTotals.map((v) => [v]),
        t2,
        { cols: ['2025'] },
      );
      return { tables: [q, y], constraints: linkPeriodsToTotal(q, y) };
    }),
  );

/** Two unrelated breakdowns of the same population: only the grand totals are shared. */
const sharedGrandTotal: fc.Arbitrary<Release> = fc
  .record({
    r: fc.integer({ min: 1, max: 4 }),
    c: fc.integer({ min: 1, max: 3 }),
    r2: fc.integer({ min: 2, max: 5 }),
    t: threshold,
  })
  .chain(({ r, c, r2, t }) =>
    matrix(r, c).chain((m) => {
      const a = makeTable('a', m, t);
      return split(a.grandTotal, r2).map((parts) => {
        const b: Table = makeTable(
          'b',
          parts.map((v) => [v]),
          t,
        );
        return { tables: [a, b], constraints: [linkGrandTotals(a, b)] };
      });
    }),
  );

const release = fc.oneof(singleTable, sharedRows, quartersAndYear, sharedGrandTotal);

export const PROPERTY_RUNS = 400;
const stats = { releases: 0, withheldTables: 0, tables: 0, complementary: 0 };

describe('suppress: property-based guarantees (fast-check)', () => {
  afterAll(() => {
    // visible in the test log: how often the fallback (withholding) was needed
    console.info(`disclosure property runs: ${JSON.stringify(stats)}`);
  });

  it('published values are true and never 1..t-1; "<t" keeps every value 1..t-1 possible; complements are not determined; deterministic', () => {
    fc.assert(
      fc.property(release, (rel) => {
        const input = structuredClone(rel);
        const out = suppress(rel);
        // (e) determinism, and the input is left untouched
        expect(rel).toEqual(input);
        expect(suppress(structuredClone(rel))).toEqual(out);
        // (a) (b) (c) (d) with the independent integer search
        expect(checkProtection(rel, out)).toEqual([]);
        stats.releases++;
        stats.tables += out.tables.length;
        stats.withheldTables += out.tables.filter((t) => t.withheld).length;
        stats.complementary += out.summary.complementary;
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
