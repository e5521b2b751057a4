/**
 * When a case or a report has to be erased. Pure: the policy comes from the settings, "today" and
 * all dates are calendar dates (YYYY-MM-DD, Europe/Berlin) so a run at 00:30 and one at 23:30 agree.
 */
export interface RetentionPolicy {
  /** closed cases: this many full years after the end of the year they were closed */
  closedCaseYears: number;
  /** reports never turned into a case and without contact data ("unconfirmed anonymous reports") */
  unconfirmedReportDays: number;
  /** reports never turned into a case that do carry contact data */
  unprocessedReportMonths: number;
  /** reports closed in the inbox as spam or duplicate */
  spamDays: number;
}

export const DEFAULT_RETENTION_POLICY: RetentionPolicy = {
  closedCaseYears: 3,
  unconfirmedReportDays: 90,
  unprocessedReportMonths: 12,
  spamDays: 30,
};

export type RetentionSubject =
  | {
      kind: 'case';
      status: string;
      /** the calendar day it was closed; null while open */
      closedOn: string | null;
    }
  | {
      kind: 'report';
      /** a report in a case follows the case */
      inCase: boolean;
      closureReason: string | null;
      hasContact: boolean;
      /** the later of submission and the last message */
      lastActivityOn: string;
      /** when it was closed as spam/duplicate, if known */
      closedOn?: string | null;
    };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): [number, number, number] {
  const m = DATE.exec(date);
  if (!m) throw new Error(`not a calendar date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function fmt(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return fmt(new Date(Date.UTC(y, m - 1, d + days)));
}

/** Calendar months; the 31st plus one month is the last day of the shorter month (never spills over). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return fmt(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))));
}

/** The last day the record may be kept; null when no retention period runs (open case, report in a case). */
export function retentionDate(subject: RetentionSubject, policy: RetentionPolicy): string | null {
  if (subject.kind === 'case') {
    if (subject.status !== 'closed' || !subject.closedOn) return null;
    const [year] = parts(subject.closedOn);
    return `${year + policy.closedCaseYears}-12-31`;
  }
  if (subject.inCase) return null;
  if (subject.closureReason === 'spam' || subject.closureReason === 'duplicate')
    return addDays(subject.closedOn ?? subject.lastActivityOn, policy.spamDays);
  if (!subject.hasContact) return addDays(subject.lastActivityOn, policy.unconfirmedReportDays);
  return addMonths(subject.lastActivityOn, policy.unprocessedReportMonths);
}

/** Kept through the retention date itself; erased from the day after. */
export function isExpired(retentionUntil: string | null, today: string): boolean {
  return retentionUntil !== null && retentionUntil < today;
}

/** The statistical record keeps the month of an incident, never the day. */
export function truncateToMonth(date: string | null): string | null {
  if (!date) return null;
  const [y, m] = parts(date);
  return `${y}-${String(m).padStart(2, '0')}-01`;
}
