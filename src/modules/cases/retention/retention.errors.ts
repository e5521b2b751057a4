import { DomainError } from '../../../common/errors/domain-error.js';

export class RetentionError extends DomainError {}

export const RetentionErrors = {
  /** unknown ids, other organisations' ids and erased cases alike */
  notFound: () => new RetentionError('not_found'),
  reasonRequired: () =>
    new RetentionError('validation', 'errors.validation', {}, [
      { field: 'reason', messageKey: 'retention.errors.reason_required' },
    ]),
  onLegalHold: () => new RetentionError('conflict', 'retention.errors.on_legal_hold'),
  confirmRequired: () =>
    new RetentionError('validation', 'errors.validation', {}, [
      { field: 'confirm', messageKey: 'retention.errors.confirm_required' },
    ]),
};
