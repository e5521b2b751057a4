import { dueBefore, reminderDue } from './reminder-due.js';

describe('referral reminder', () => {
  const sentAt = new Date('2026-03-02T10:00:00Z');
  const clock = (iso: string) => new Date(iso);

  it('is due once the referral stayed unanswered for the configured days', () => {
    const r = { status: 'sent', sentAt, remindedAt: null };
    expect(reminderDue(r, 7, clock('2026-03-09T09:59:59Z'))).toBe(false);
    expect(reminderDue(r, 7, clock('2026-03-09T10:00:00Z'))).toBe(true);
    expect(dueBefore(7, clock('2026-03-09T10:00:00Z')).toISOString()).toBe(sentAt.toISOString());
  });

  it('is never due twice, nor for answered or unsent referrals', () => {
    const later = clock('2026-04-01T00:00:00Z');
    expect(reminderDue({ status: 'sent', sentAt, remindedAt: later }, 7, later)).toBe(false);
    expect(reminderDue({ status: 'accepted', sentAt, remindedAt: null }, 7, later)).toBe(false);
    expect(reminderDue({ status: 'draft', sentAt: null, remindedAt: null }, 7, later)).toBe(false);
  });
});
