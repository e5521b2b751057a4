import { DomainError } from '../../common/errors/domain-error.js';

export class IntakeError extends DomainError {}

export const IntakeErrors = {
  validation: (fields: DomainError['fields']) =>
    new IntakeError('validation', 'errors.validation', {}, fields),
  receiptInvalid: () =>
    new IntakeError('unauthenticated', 'mailbox.errors.receipt_invalid', {}, [
      { field: 'receipt', messageKey: 'mailbox.errors.receipt_invalid' },
    ]),
  receiptFormat: () =>
    new IntakeError('validation', 'mailbox.errors.receipt_format', {}, [
      { field: 'receipt', messageKey: 'mailbox.errors.receipt_format' },
    ]),
  throttled: () =>
    new IntakeError('rate_limited', 'mailbox.errors.throttled', {}, [
      { field: 'receipt', messageKey: 'mailbox.errors.throttled' },
    ]),
  sessionExpired: () => new IntakeError('unauthenticated', 'mailbox.errors.session_expired'),
  notFound: () => new IntakeError('not_found'),
  noReceivingOrganisation: () => new IntakeError('unavailable', 'intake.errors.no_receiving_organisation'),
  rateLimited: () => new IntakeError('rate_limited', 'intake.errors.rate_limited'),
  alreadySubmitted: () => new IntakeError('conflict', 'intake.errors.already_submitted'),
};
