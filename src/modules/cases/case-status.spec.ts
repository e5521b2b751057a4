import { CASE_STATUSES, type CaseStatus } from './entities/case.entity.js';
import { allowedNext, canTransition, reportStatusFor } from './case-status.js';

/** Every pair of states, allowed or not: the table is the specification. */
const ALLOWED = new Set([
  'new>triage',
  'new>open',
  'new>closed',
  'triage>open',
  'triage>on_hold',
  'triage>closed',
  'open>on_hold',
  'open>referred',
  'open>closed',
  'on_hold>open',
  'on_hold>referred',
  'on_hold>closed',
  'referred>open',
  'referred>on_hold',
  'referred>closed',
  'closed>reopened',
  'reopened>open',
  'reopened>on_hold',
  'reopened>referred',
  'reopened>closed',
]);

describe('case state machine', () => {
  const pairs = CASE_STATUSES.flatMap((from) =>
    CASE_STATUSES.map((to) => [from, to] as [CaseStatus, CaseStatus]),
  );
  it.each(pairs)('%s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}>${to}`));
  });

  it('never allows staying in the same state or leaving closed except by reopening', () => {
    for (const s of CASE_STATUSES) expect(allowedNext(s)).not.toContain(s);
    expect(allowedNext('closed')).toEqual(['reopened']);
  });

  it('shows the reporter four plain states', () => {
    expect(CASE_STATUSES.map(reportStatusFor)).toEqual([
      'new',
      'triage',
      'open',
      'open',
      'open',
      'closed',
      'open',
    ]);
  });
});
