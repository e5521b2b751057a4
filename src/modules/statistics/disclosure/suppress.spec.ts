import { mergeRareCategories } from './merge.js';
import { linkPeriodsToTotal, linkSharedRowTotals } from './model.js';
import { suppress } from './suppress.js';
import { checkProtection } from './testing/independent-bounds.js';
import { makeTable } from './testing/tables.js';
import type { PublishedEntry, PublishedRelease, Release } from './types.js';

const show = (e: PublishedEntry): string | number => ('value' in e ? e.value : e.label);
const grid = (p: PublishedRelease, i = 0): Array<Array<string | number>> =>
  p.tables[i].cells.map((r) => r.map(show));

describe('suppress: classic examples', () => {
  it('2×2 with one small cell hides that cell and three complementary cells, keeps the margins', () => {
    const release: Release = {
      tables: [
        makeTable(
          't',
          [
            [2, 8],
            [9, 20],
          ],
          5,
        ),
      ],
      constraints: [],
    };
    const out = suppress(release);
    expect(grid(out)).toEqual([
      ['<5', '·'],
      ['·', '·'],
    ]);
    expect(out.tables[0].rowTotals.map(show)).toEqual([10, 29]);
    expect(out.tables[0].colTotals.map(show)).toEqual([11, 28]);
    expect(show(out.tables[0].grandTotal)).toBe(39);
    expect(out.summary).toMatchObject({ primary: 1, complementary: 3, withheld: 0 });
    expect(checkProtection(release, out)).toEqual([]);
  });

  it('a row with a single small cell and a published row total needs one complement in the row', () => {
    const release: Release = { tables: [makeTable('t', [[2, 7, 12]], 5)], constraints: [] };
    const out = suppress(release);
    expect(grid(out)).toEqual([['<5', '·', 12]]);
    expect(out.tables[0].rowTotals.map(show)).toEqual([21]);
    expect(checkProtection(release, out)).toEqual([]);
  });

  it('takes the labels into account: a complement of exactly t leaves too little room, so more is hidden', () => {
    // x + y = 7 with y >= 5 ("·") would give x <= 2: 3 and 4 excluded. The audit must notice.
    const release: Release = { tables: [makeTable('t', [[2, 5, 30]], 5)], constraints: [] };
    const out = suppress(release);
    expect(checkProtection(release, out)).toEqual([]);
    expect(grid(out)[0].filter((v) => v === '·').length).toBe(2);
  });

  it('a row total in 1..t-1 over two small cells cannot keep every value possible: table withheld', () => {
    // x + y = R with x, y, R all "<5": the labels alone give x <= 3, so 4 would be excluded
    const release: Release = {
      tables: [
        makeTable(
          't',
          [
            [1, 2],
            [10, 20],
          ],
          5,
        ),
      ],
      constraints: [],
    };
    const out = suppress(release);
    expect(out.tables[0].withheld).toBe(true);
    expect(checkProtection(release, out)).toEqual([]);
  });

  it('merging rare rows into "other" first keeps such a table publishable', () => {
    const raw = makeTable(
      't',
      [
        [1, 2],
        [1, 1],
        [10, 20],
      ],
      5,
      { rows: ['age', 'language', 'ethnic_origin'] },
    );
    const { table, merged } = mergeRareCategories(raw, 5);
    expect(merged).toEqual(['age', 'language']);
    const release: Release = { tables: [table], constraints: [] };
    const out = suppress(release);
    expect(out.tables[0].withheld).toBe(false);
    expect(out.tables[0].rows).toEqual(['ethnic_origin', 'other']);
    expect(out.tables[0].rowTotals.map(show)).toEqual([30, 5]);
    expect(checkProtection(release, out)).toEqual([]);
  });

  it('keeps zeros visible and publishes a table without small counts unchanged', () => {
    const release: Release = {
      tables: [
        makeTable(
          't',
          [
            [0, 8],
            [9, 0],
          ],
          5,
        ),
      ],
      constraints: [],
    };
    const out = suppress(release);
    expect(grid(out)).toEqual([
      [0, 8],
      [9, 0],
    ]);
    expect(out.summary).toMatchObject({ primary: 0, complementary: 0, withheld: 0 });
  });

  it('quarters against their year: the year table cannot be used to recover a hidden quarter', () => {
    const quarters = makeTable(
      'q',
      [
        [2, 10, 11, 12],
        [9, 8, 20, 7],
        [6, 6, 6, 6],
      ],
      5,
      { cols: ['Q1', 'Q2', 'Q3', 'Q4'] },
    );
    const year = makeTable('y', [[35], [44], [24]], 5, { cols: ['2025'] });
    const release: Release = { tables: [quarters, year], constraints: linkPeriodsToTotal(quarters, year) };
    const out = suppress(release);
    expect(checkProtection(release, out)).toEqual([]);
    // the year table's row and the quarter table's row total are one quantity: shown or hidden together
    out.tables[0].rowTotals.forEach((e, i) => expect(show(e)).toEqual(show(out.tables[1].cells[i][0])));
  });

  it('ground × district (t = 10) linked to ground × life area (t = 5): a ground total of 7 is not published', () => {
    // In the district table the "<10" cells of that ground would otherwise be bounded by 7 (8 and 9 excluded).
    const rows = ['religion_belief', 'ethnic_origin'];
    const groundByArea = makeTable(
      'ga',
      [
        [3, 4],
        [10, 12],
      ],
      5,
      { rows },
    );
    const groundByDistrict = makeTable(
      'gd',
      [
        [6, 1],
        [12, 10],
      ],
      10,
      { rows, marginThreshold: 5 },
    );
    const release: Release = {
      tables: [groundByArea, groundByDistrict],
      constraints: linkSharedRowTotals(groundByArea, groundByDistrict),
    };
    const out = suppress(release);
    expect(show(out.tables[0].rowTotals[0])).not.toBe(7);
    expect(show(out.tables[1].rowTotals[0])).not.toBe(7);
    expect(checkProtection(release, out)).toEqual([]);
  });

  it('a quantity shared with a table of higher margin threshold is labelled with the higher threshold', () => {
    const a = makeTable('a', [[7], [22]], 5);
    const b = makeTable('b', [[7], [22]], 10);
    const release: Release = { tables: [a, b], constraints: linkSharedRowTotals(a, b) };
    const out = suppress(release);
    expect(show(out.tables[0].cells[0][0])).toBe('<10');
    expect(show(out.tables[1].cells[0][0])).toBe('<10');
    expect(checkProtection(release, out)).toEqual([]);
  });

  it('withholds a table whose every count is small (ground × district with t = 10)', () => {
    const release: Release = {
      tables: [
        makeTable(
          'gd',
          [
            [2, 1],
            [3, 2],
          ],
          10,
        ),
      ],
      constraints: [],
    };
    const out = suppress(release);
    expect(out.tables[0].withheld).toBe(true);
    expect(grid(out)).toEqual([
      ['×', '×'],
      ['×', '×'],
    ]);
    expect(show(out.tables[0].grandTotal)).toBe('×');
    expect(checkProtection(release, out)).toEqual([]);
  });

  it('never puts a true value into a hidden entry', () => {
    const release: Release = {
      tables: [
        makeTable(
          't',
          [
            [2, 8],
            [9, 20],
          ],
          5,
        ),
      ],
      constraints: [],
    };
    const out = suppress(release);
    for (const e of out.tables[0].cells.flat()) {
      if ('hidden' in e) expect(Object.keys(e).sort()).toEqual(['hidden', 'label']);
    }
  });

  it('rejects malformed input', () => {
    const bad = makeTable('t', [[2, 8]], 5);
    bad.rowTotals = [11];
    expect(() => suppress({ tables: [bad], constraints: [] })).toThrow(/row total/);
    expect(() => suppress({ tables: [makeTable('t', [[2]], 2)], constraints: [] })).toThrow(/threshold/);
  });
});

describe('independent check (sensitivity)', () => {
  it('flags a publication with primary suppression only', () => {
    const release: Release = {
      tables: [
        makeTable(
          't',
          [
            [2, 8],
            [9, 20],
          ],
          5,
        ),
      ],
      constraints: [],
    };
    const out = suppress(release);
    const leaky: PublishedRelease = structuredClone(out);
    leaky.tables[0].cells = [
      [{ hidden: 'primary', label: '<5' }, { value: 8 }],
      [{ value: 9 }, { value: 20 }],
    ];
    const problems = checkProtection(release, leaky);
    expect(problems.some((p) => p.entry === 'c0,0' && /excluded/.test(p.problem))).toBe(true);
  });

  it('flags a primary cell that a "·" neighbour pins down', () => {
    // x ("<5") + y ("·", so >= 5) = 37 - 30 = 7: x <= 2, so 3 and 4 are excluded
    const release: Release = { tables: [makeTable('t', [[2, 5, 30]], 5)], constraints: [] };
    const leaky: PublishedRelease = structuredClone(suppress(release));
    const x: PublishedEntry = { hidden: 'primary', label: '<5' };
    const y: PublishedEntry = { hidden: 'complementary', label: '·' };
    leaky.tables[0].cells = [[x, y, { value: 30 }]];
    leaky.tables[0].colTotals = [x, y, { value: 30 }];
    const problems = checkProtection(release, leaky).map((p) => `${p.entry}: ${p.problem}`);
    expect(problems).toContain('c0,0: value 3 is excluded although the label is <5');
  });

  it('flags a complementary entry that is determined', () => {
    const release: Release = {
      tables: [
        makeTable(
          't',
          [
            [2, 8],
            [9, 20],
          ],
          5,
        ),
      ],
      constraints: [],
    };
    const leaky: PublishedRelease = structuredClone(suppress(release));
    leaky.tables[0].cells[1][1] = { hidden: 'complementary', label: '·' };
    leaky.tables[0].cells[0][1] = { value: 8 };
    leaky.tables[0].cells[1][0] = { value: 9 };
    const problems = checkProtection(release, leaky).map((p) => `${p.entry}: ${p.problem}`);
    expect(problems).toContain('c1,1: complementary entry is determined');
  });
});
