import { dateTimeFormat, languageNames } from './intl-cache.js';

describe('intl-cache', () => {
  it('returns the same formatter for the same locale and options, a different one otherwise', () => {
    const a = dateTimeFormat('de', { dateStyle: 'long', timeZone: 'UTC' });
    expect(dateTimeFormat('de', { dateStyle: 'long', timeZone: 'UTC' })).toBe(a);
    expect(dateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' })).not.toBe(a);
    expect(dateTimeFormat('de', { dateStyle: 'short', timeZone: 'UTC' })).not.toBe(a);
    expect(a.format(new Date('2026-03-01T00:00:00Z'))).toBe('1. März 2026');
  });

  it('formats in the requested time zone', () => {
    const day = dateTimeFormat('en-CA', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    // 23:30 UTC on 31 Dec is already New Year in Berlin
    expect(day.format(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });

  it('names languages in the page language', () => {
    expect(languageNames('de').of('ar')).toBe('Arabisch');
    expect(languageNames('en').of('uk')).toBe('Ukrainian');
  });

  it('an unknown locale still throws as Intl does, and is not cached', () => {
    expect(() => dateTimeFormat('not a locale!', {})).toThrow(RangeError);
  });
});
