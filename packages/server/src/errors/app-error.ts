import { type ErrorBody, type ErrorCode, statusOf } from '@tandem/protocol';

/**
 * An error with a registry code, raised by services and handlers of any transport: the HTTP error
 * handler and the gateway turn it into the wire shape. Lives outside `http/` so domains and the
 * gateway depend on it without depending on the HTTP layer.
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): number {
    return statusOf(this.code);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** Shorthands for the errors services raise most. */
export const errors = {
  invalid: (message: string, details?: Record<string, unknown>) => new AppError('invalid_input', message, details),
  unauthenticated: (message = 'Log in first.') => new AppError('unauthenticated', message),
  forbidden: (message = 'Your role does not allow this.') => new AppError('forbidden', message),
  notFound: (what = 'Resource') => new AppError('not_found', `${what} not found.`),
  conflict: (message: string, details?: Record<string, unknown>) => new AppError('conflict', message, details),
  locked: (message: string, details?: Record<string, unknown>) => new AppError('locked', message, details),
  tooLarge: (message: string, details?: Record<string, unknown>) => new AppError('too_large', message, details),
  unavailable: (message: string) => new AppError('unavailable', message),
};
