import { DomainError, type ErrorCode } from '../../common/errors/domain-error.js';

/** Expected outcomes a caller can act on, e.g. reading data whose key was destroyed (crypto-shredding). */
export class CryptoError extends DomainError {
  constructor(code: ErrorCode, messageKey?: string, params?: Record<string, string | number>) {
    super(code, messageKey, params);
  }
}

/**
 * Ciphertext or wrapped key failed authentication, or its master key is not configured. Never the
 * user's fault: deliberately not a DomainError, so the exception filter answers 500 and logs the stack.
 */
export class CryptoIntegrityError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoIntegrityError';
  }
}
