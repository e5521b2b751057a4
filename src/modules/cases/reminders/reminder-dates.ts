/**
 * Which deadline reminders are due. Pure; dates are calendar dates (YYYY-MM-DD, Europe/Berlin).
 * `daysBefore` are the configured intervals (e.g. [14, 3]).
 */

function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/**
 * The intervals whose reminder day (due − N) has come, while the deadline is still ahead
 * (today < due), largest first. Each is recorded once; only the smallest of those not yet recorded is
 * sent, so a case that comes in late or a job that was down sends one reminder, not a burst.
 */
export function passedReminders(due: string, today: string, daysBefore: readonly number[]): number[] {
  const left = dayNumber(due) - dayNumber(today);
  if (left <= 0) return [];
  return [...new Set(daysBefore)]
    .filter((n) => Number.isInteger(n) && n > 0 && left <= n)
    .sort((a, b) => b - a);
}
