/**
 * The one error registry shared by the server and every client.
 *
 * Each code has a stable string name, the HTTP status it travels with, and whether a
 * client may retry the same request unchanged. REST bodies and WebSocket `error` frames
 * both carry these codes; clients decide what to do from the code, never from the text.
 */
export const ERROR_CODES = {
  invalid_input: { status: 400, retryable: false, description: 'The request or message is malformed or fails validation.' },
  unauthenticated: { status: 401, retryable: false, description: 'No valid session, token or connect token was given.' },
  forbidden: { status: 403, retryable: false, description: 'Authenticated, but the role does not allow this action.' },
  not_found: { status: 404, retryable: false, description: 'No such resource, or it is in a workspace the caller is not a member of.' },
  conflict: { status: 409, retryable: false, description: 'The write is based on an outdated version or would break a uniqueness rule.' },
  too_large: { status: 413, retryable: false, description: 'The body or frame exceeds the configured size limit.' },
  locked: { status: 423, retryable: true, description: 'Another user holds a lock on the cell or row being written.' },
  rate_limited: { status: 429, retryable: true, description: 'Too many requests or messages; slow down and retry later.' },
  internal: { status: 500, retryable: true, description: 'An unexpected server error; details are in the server log under the request id.' },
  unavailable: { status: 503, retryable: true, description: 'The server is starting, shutting down or a dependency is down.' },
} as const satisfies Record<string, { status: number; retryable: boolean; description: string }>;

/** A stable error code from {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every failed REST response. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly details?: Record<string, unknown>;
  };
}

/** True when `code` is a known registry code. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** HTTP status for a registry code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/** Whether a request that failed with `code` may be retried unchanged. */
export function isRetryable(code: ErrorCode): boolean {
  return ERROR_CODES[code].retryable;
}
