import { BoundedLp } from './lp.js';
import { mergeRareCategories } from './merge.js';
import { METHODOLOGY_DE, METHODOLOGY_EN, methodologyNote } from './methodology.js';
import { makeTable } from './testing/tables.js';
import { thresholdFor } from './thresholds.js';

describe('BoundedLp', () => {
  it('bounds a variable under equalities and bounds', () => {
    // x + y = 7, y >= 5, 1 <= x <= 4
    const lp = new BoundedLp({ A: [[1, 1]], b: [7], lower: [1, 5], upper: [4, Infinity] });
    expect(lp.feasible).toBe(true);
    expect(lp.maximize([1, 0])).toEqual({ status: 'optimal', value: 2 });
    expect(lp.maximize([-1, 0])).toEqual({ status: 'optimal', value: -1 });
    expect(lp.maximize([0, 1])).toEqual({ status: 'optimal', value: 6 });
  });

  it('reports infeasible and unbounded problems', () => {
    expect(new BoundedLp({ A: [[1, 1]], b: [3], lower: [2, 2], upper: [Infinity, Infinity] }).feasible).toBe(
      false,
    );
    const lp = new BoundedLp({ A: [[1, -1]], b: [0], lower: [0, 0], upper: [Infinity, Infinity] });
    expect(lp.maximize([1, 0]).status).toBe('unbounded');
  });

  it('handles redundant rows', () => {
    const lp = new BoundedLp({
      A: [
        [1, 1],
        [2, 2],
      ],
      b: [4, 8],
      lower: [0, 0],
      upper: [Infinity, Infinity],
    });
    expect(lp.maximize([1, 0])).toEqual({ status: 'optimal', value: 4 });
  });
});

describe('mergeRareCategories', () => {
  const t = makeTable(
    't',
    [
      [1, 2],
      [20, 3],
      [1, 1],
      [0, 0],
      [3, 4],
    ],
    5,
    {
      rows: ['age', 'ethnic_origin', 'language', 'gender', 'religion_belief'],
    },
  );

  it('merges the rows below the threshold into "other" when the merged row is publishable', () => {
    const { table, merged } = mergeRareCategories(t, 5);
    expect(merged).toEqual(['age', 'language']);
    expect(table.rows).toEqual(['ethnic_origin', 'gender', 'religion_belief', 'other']);
    expect(table.cells).toEqual([
      [20, 3],
      [0, 0],
      [3, 4],
      [2, 3],
    ]);
    expect(table.rowTotals).toEqual([23, 0, 7, 5]);
    expect(table.colTotals).toEqual(t.colTotals);
  });

  it('leaves the table unchanged when merging would not reach the threshold', () => {
    const { table, merged } = mergeRareCategories(t, 6);
    expect(merged).toEqual([]);
    expect(table).toEqual(t);
    expect(table).not.toBe(t);
  });

  it('merges into an existing "other" row in place, only when that makes it publishable', () => {
    const u = makeTable('u', [[1], [2], [9]], 3, { rows: ['other', 'age', 'ethnic_origin'] });
    const merged3 = mergeRareCategories(u, 3);
    expect(merged3.merged).toEqual(['age']);
    expect(merged3.table.rows).toEqual(['other', 'ethnic_origin']);
    expect(merged3.table.rowTotals).toEqual([3, 9]);
    // 1 + 2 = 3 < 4: merging would not help, nothing changes
    expect(mergeRareCategories(u, 4)).toEqual({ table: u, merged: [] });
  });

  it('never merges a publishable row', () => {
    const u = makeTable('u', [[5], [2], [9]], 5, { rows: ['age', 'language', 'other'] });
    const { table, merged } = mergeRareCategories(u, 5);
    expect(merged).toEqual(['language']);
    expect(table.rows).toEqual(['age', 'other']);
    expect(table.rowTotals).toEqual([5, 11]);
  });
});

describe('thresholdFor', () => {
  const settings = { suppressionThreshold: 5, districtGroundThreshold: 10 };
  it('uses the base threshold, never below 3', () => {
    expect(thresholdFor(settings, ['grounds', 'life_area'])).toBe(5);
    expect(thresholdFor({ ...settings, suppressionThreshold: 2 }, ['grounds'])).toBe(3);
  });
  it('uses the higher threshold when a ground is crossed with the district', () => {
    expect(thresholdFor(settings, ['grounds', 'district'])).toBe(10);
    expect(thresholdFor({ ...settings, districtGroundThreshold: 4 }, ['district', 'grounds'])).toBe(5);
  });
  it('refuses more than two dimensions', () => {
    expect(() => thresholdFor(settings, ['grounds', 'district', 'life_area'])).toThrow(/at most 2/);
  });
});

describe('methodology', () => {
  it('says what is protected and what is not, in German and English', () => {
    for (const text of [METHODOLOGY_DE, METHODOLOGY_EN]) {
      expect(text).toContain('{threshold}');
      expect(text).toContain('{districtThreshold}');
    }
    const en = methodologyNote('en', 5, 10);
    expect(en).toContain('"<5"');
    expect(en).toMatch(/opted out/);
    expect(en).toMatch(/Spam and duplicates/);
    expect(en).toMatch(/Larger counts are exact/);
    expect(en).toMatch(/Each release is checked on its own/);
    expect(methodologyNote('de', 5, 10)).toContain('„<5“');
  });
});
