import { passedReminders } from './reminder-dates.js';

describe('passedReminders', () => {
  it.each([
    ['15 days before: nothing yet', '2026-12-20', '2026-12-05', [14, 3], []],
    ['14 days before: the first', '2026-12-20', '2026-12-06', [14, 3], [14]],
    ['10 days before (job was down): still the first', '2026-12-20', '2026-12-10', [14, 3], [14]],
    ['3 days before: both have passed', '2026-12-20', '2026-12-17', [14, 3], [14, 3]],
    ['the day before', '2026-12-20', '2026-12-19', [14, 3], [14, 3]],
    ['on the due day: too late for a reminder', '2026-12-20', '2026-12-20', [14, 3], []],
    ['after the due day', '2026-12-20', '2026-12-28', [14, 3], []],
    ['across a month and year end', '2027-01-02', '2026-12-30', [3], [3]],
    ['unordered and repeated settings', '2026-12-20', '2026-12-17', [3, 14, 3, 7], [14, 7, 3]],
    ['no intervals configured', '2026-12-20', '2026-12-19', [], []],
  ])('%s', (_name, due, today, days, expected) => {
    expect(passedReminders(due, today, days)).toEqual(expected);
  });
});
