import { DomainError } from '../../common/errors/domain-error.js';

export class CaseError extends DomainError {}

export const CaseErrors = {
  /** unknown ids and other organisations' ids alike: never confirm that a case exists */
  notFound: () => new CaseError('not_found'),
  invalidTransition: (from: string, to: string, allowed: readonly string[]) =>
    new CaseError('invalid_transition', 'cases.errors.invalid_transition', {
      from,
      to,
      allowed: allowed.join(', ') || '–',
    }),
  closureReasonRequired: () =>
    new CaseError('validation', 'errors.validation', {}, [
      { field: 'closureReason', messageKey: 'cases.errors.closure_reason_required' },
    ]),
  staleVersion: () => new CaseError('conflict', 'cases.errors.stale_version'),
  noShareConsent: () => new CaseError('conflict', 'cases.errors.no_share_consent'),
  reportNotInInbox: () => new CaseError('conflict', 'cases.errors.report_not_in_inbox'),
  notAllowed: (field: string) =>
    new CaseError('bad_request', 'cases.errors.field_not_allowed', { field }, [
      { field, messageKey: 'cases.errors.field_not_allowed' },
    ]),
  validation: (fields: DomainError['fields']) => new CaseError('validation', 'errors.validation', {}, fields),
};
