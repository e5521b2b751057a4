import { DomainError } from '../../common/errors/domain-error.js';

export class ReferralError extends DomainError {}

export const ReferralErrors = {
  /** unknown ids and other organisations' ids alike */
  notFound: () => new ReferralError('not_found'),
  noShareConsent: () => new ReferralError('conflict', 'referrals.errors.no_share_consent'),
  duplicateOpen: () => new ReferralError('conflict', 'referrals.errors.duplicate_open'),
  invalidTransition: (from: string, to: string) =>
    new ReferralError('invalid_transition', 'referrals.errors.invalid_transition', { from, to }),
  stale: () => new ReferralError('conflict', 'referrals.errors.stale_version'),
  notReferable: () =>
    new ReferralError('validation', 'errors.validation', {}, [
      { field: 'toOrganisationId', messageKey: 'referrals.errors.partner_not_taking_referrals' },
    ]),
  reportNotInCase: () =>
    new ReferralError('validation', 'errors.validation', {}, [
      { field: 'reportId', messageKey: 'referrals.errors.report_not_in_case' },
    ]),
  caseClosed: () => new ReferralError('conflict', 'referrals.errors.case_closed'),
  forbidden: () => new ReferralError('forbidden'),
  validation: (fields: DomainError['fields']) =>
    new ReferralError('validation', 'errors.validation', {}, fields),
};
