import { throttleDelaySeconds } from './login-throttle.service.js';
import { generatePassword, generateRecoveryCodes, normaliseRecoveryCode } from './passwords.js';
import { safeNext } from './session-cookie.js';

describe('login throttle backoff', () => {
  it('allows five attempts, then doubles the wait up to 15 minutes', () => {
    expect([0, 1, 4].map(throttleDelaySeconds)).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8].map(throttleDelaySeconds)).toEqual([2, 4, 8, 16]);
    expect(throttleDelaySeconds(50)).toBe(900);
  });
});

describe('one-time passwords and recovery codes', () => {
  it('are long, random and unambiguous', () => {
    const pw = generatePassword();
    expect(pw).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
    expect(generatePassword()).not.toBe(pw);
    const codes = generateRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  });

  it('accept recovery codes typed with spaces or capitals', () => {
    expect(normaliseRecoveryCode('ABCDE FGHJK')).toBe('abcde-fghjk');
    expect(normaliseRecoveryCode(' abcde-fghjk ')).toBe('abcde-fghjk');
  });
});

describe('redirect after login', () => {
  it('follows only local paths', () => {
    expect(safeNext('/admin/users')).toBe('/admin/users');
    expect(safeNext('//evil.example')).toBe('/staff');
    expect(safeNext('https://evil.example')).toBe('/staff');
    expect(safeNext('/\\evil.example')).toBe('/staff');
    expect(safeNext('/login')).toBe('/staff');
    expect(safeNext(undefined)).toBe('/staff');
  });
});
