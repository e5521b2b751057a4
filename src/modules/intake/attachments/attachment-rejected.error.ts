import { DomainError, type ErrorCode } from '../../../common/errors/domain-error.js';
import type { RejectionReason } from './attachment.types.js';

function codeFor(reason: RejectionReason): ErrorCode {
  switch (reason) {
    case 'too_large':
      return 'payload_too_large';
    case 'scanner_unavailable':
      return 'unavailable';
    default:
      return 'validation';
  }
}

/**
 * An attachment that may not be stored. The message key is `intake.attachments.errors.<reason>`; when a form
 * field name is given, the same key is attached to that field so the form can show it next to the upload.
 */
export class AttachmentRejected extends DomainError {
  constructor(
    readonly reason: RejectionReason,
    params: Record<string, string | number> = {},
    field?: string,
  ) {
    const messageKey = `intake.attachments.errors.${reason}`;
    super(codeFor(reason), messageKey, params, field ? [{ field, messageKey, params }] : []);
  }
}
