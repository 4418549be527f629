import { ERROR_CODES, type ErrorCode, isErrorCode } from '@tandem/protocol';

/**
 * An error reported by the server (REST body or WebSocket `error` frame) or by the SDK itself,
 * always carrying a code from the shared registry so callers branch on `code`, never on text.
 */
export class TandemError extends Error {
  override readonly name = 'TandemError';
  /** The registry code, e.g. `locked` or `unauthenticated`. */
  readonly code: ErrorCode;
  /** The HTTP status that goes with the code (also for errors that came over a socket). */
  readonly status: number;
  /** Whether the same request may be retried unchanged (from the registry). */
  readonly retryable: boolean;
  /** Extra facts from the server, e.g. the lock holder for `locked` or the current record for `conflict`. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.retryable = ERROR_CODES[code].retryable;
    this.details = details;
  }

  /** Builds an error from anything the server sent; unknown codes become `internal`. */
  static from(code: unknown, message: unknown, details?: unknown): TandemError {
    const text = typeof message === 'string' && message ? message : 'The server reported an error.';
    const extra = details && typeof details === 'object' ? (details as Record<string, unknown>) : undefined;
    return new TandemError(isErrorCode(code) ? code : 'internal', text, extra);
  }

  /** The registry code for an HTTP status without a parseable error body. */
  static fromStatus(status: number, message?: string): TandemError {
    const match = (Object.keys(ERROR_CODES) as ErrorCode[]).find((code) => ERROR_CODES[code].status === status);
    const code: ErrorCode = match ?? (status >= 500 ? 'internal' : 'invalid_input');
    return new TandemError(code, message ?? `HTTP ${status}`);
  }
}

/** True when `err` is a {@link TandemError} with the given code. */
export function isTandemError(err: unknown, code?: ErrorCode): err is TandemError {
  return err instanceof TandemError && (code === undefined || err.code === code);
}
