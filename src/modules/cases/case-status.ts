import type { CaseStatus } from './entities/case.entity.js';

/**
 * The case state machine (DOMAIN.md): new → triage → open ⇄ on_hold → referred → closed → reopened → …
 * `referred` may be set by hand until the referrals module drives it.
 */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['triage', 'open', 'closed'],
  triage: ['open', 'on_hold', 'closed'],
  open: ['on_hold', 'referred', 'closed'],
  on_hold: ['open', 'referred', 'closed'],
  referred: ['open', 'on_hold', 'closed'],
  closed: ['reopened'],
  reopened: ['open', 'on_hold', 'referred', 'closed'],
};

export function allowedNext(from: CaseStatus): readonly CaseStatus[] {
  return TRANSITIONS[from];
}

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The reporter sees four plain states; the report's own status mirrors the case. */
export function reportStatusFor(status: CaseStatus): 'new' | 'triage' | 'open' | 'closed' {
  switch (status) {
    case 'new':
      return 'new';
    case 'triage':
      return 'triage';
    case 'closed':
      return 'closed';
    case 'open':
    case 'on_hold':
    case 'referred':
    case 'reopened':
      return 'open';
  }
}
