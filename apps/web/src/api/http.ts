import { type ErrorCode, isErrorCode } from '@tandem/protocol';

/** A failed API call, carrying the registry code so callers decide by code, never by text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** True when `err` is an {@link ApiError} with `code`. */
export function isApiError(err: unknown, code?: ApiError['code']): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

const BASE = '/api/v1';

/**
 * Calls the REST API with the session cookie (same origin). JSON in and out; a non-2xx answer
 * throws {@link ApiError}; a request that never reached the server throws code `network`.
 * `headers` adds request headers (e.g. `If-Match`).
 */
export async function request<T>(method: string, path: string, body?: unknown, headers: Readonly<Record<string, string>> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(BASE + path, {
      method,
      credentials: 'same-origin',
      headers: { ...headers, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json: unknown = text ? safeParse(text) : undefined;
  if (!response.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const code = isErrorCode(error?.code) ? error.code : response.status >= 500 ? 'internal' : 'invalid_input';
    const message = typeof error?.message === 'string' ? error.message : `Request failed (${response.status}).`;
    throw new ApiError(response.status, code, message, (error?.details as Record<string, unknown> | undefined) ?? {});
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Shorthands for {@link request}. */
export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};
