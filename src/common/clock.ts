/**
 * The time source of scheduled work (reminders, automatic reports): each module provides `CLOCK`
 * with `systemClock`; a test or an admin "run now" passes another time.
 */
export const CLOCK = Symbol('CLOCK');
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
