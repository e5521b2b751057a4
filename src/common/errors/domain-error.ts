/**
 * Services throw typed domain errors; one exception filter maps the code to an HTTP status and to the
 * page or JSON error shape. Services never throw HttpException.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation: 422,
  unauthenticated: 401,
  invalid_credentials: 401,
  mfa_required: 401,
  invalid_mfa_code: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  field: string;
  /** i18n key of the message */
  messageKey: string;
  params?: Record<string, string | number>;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** i18n key; the filter translates it into the caller's language */
    readonly messageKey: string = `errors.${code}`,
    readonly params: Record<string, string | number> = {},
    readonly fields: FieldError[] = [],
  ) {
    super(`${code}: ${messageKey}`);
    this.name = new.target.name;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
