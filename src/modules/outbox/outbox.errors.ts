import { DomainError } from '../../common/errors/domain-error.js';

/** Programming errors in the use of the outbox (they surface in tests, not to users). */
export class OutboxError extends DomainError {
  constructor(messageKey: 'errors.outbox.no_transaction' | 'errors.outbox.personal_data', detail: string) {
    super('bad_request', messageKey);
    this.message = `${messageKey}: ${detail}`;
  }
}
