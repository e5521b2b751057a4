/**
 * Whether a sent referral is due for its "still unanswered" reminder at `now`: sent at least
 * `days` whole days ago, still `sent`, and not reminded yet. Pure, so the clock is the caller's.
 */
export function reminderDue(
  r: { status: string; sentAt: Date | null; remindedAt: Date | null },
  days: number,
  now: Date,
): boolean {
  if (r.status !== 'sent' || !r.sentAt || r.remindedAt) return false;
  return now.getTime() - r.sentAt.getTime() >= days * 86_400_000;
}

/** The latest sent_at that is due at `now`. */
export function dueBefore(days: number, now: Date): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
