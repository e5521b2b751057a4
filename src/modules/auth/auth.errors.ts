import { DomainError } from '../../common/errors/domain-error.js';

export class AuthError extends DomainError {}

export const AuthErrors = {
  invalidCredentials: () => new AuthError('invalid_credentials', 'auth.errors.invalid_credentials'),
  throttled: (seconds: number) => new AuthError('rate_limited', 'auth.errors.throttled', { seconds }),
  invalidCode: () => new AuthError('invalid_mfa_code', 'auth.errors.invalid_code'),
  unauthenticated: () => new AuthError('unauthenticated', 'errors.unauthenticated'),
  mfaRequired: () => new AuthError('mfa_required', 'auth.errors.mfa_required'),
  passwordChangeRequired: () => new AuthError('forbidden', 'auth.errors.password_change_required'),
  forbidden: () => new AuthError('forbidden', 'errors.forbidden'),
  csrf: () => new AuthError('csrf', 'errors.csrf'),
  weakPassword: () =>
    new AuthError('validation', 'errors.validation', {}, [
      { field: 'newPassword', messageKey: 'auth.errors.weak_password', params: { min: 12 } },
    ]),
  wrongCurrentPassword: () =>
    new AuthError('validation', 'errors.validation', {}, [
      { field: 'currentPassword', messageKey: 'auth.errors.wrong_current_password' },
    ]),
  emailTaken: () =>
    new AuthError('conflict', 'auth.errors.email_taken', {}, [
      { field: 'email', messageKey: 'auth.errors.email_taken' },
    ]),
  codeTaken: () =>
    new AuthError('conflict', 'auth.errors.code_taken', {}, [
      { field: 'code', messageKey: 'auth.errors.code_taken' },
    ]),
  notFound: () => new AuthError('not_found', 'errors.not_found'),
  lastAdmin: () => new AuthError('conflict', 'auth.errors.last_admin'),
};
