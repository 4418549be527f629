/** One HTTP request as the security suites send it: any method, path, body bytes and headers. */
export interface RawCall {
  readonly method: string;
  /** Path under `/api/v1` (or from the root when `root` is set), with its query string. */
  readonly path: string;
  /** A JSON body (sent as `application/json`). */
  readonly body?: unknown;
  /** A body sent exactly as given, with `contentType`. */
  readonly raw?: string | Uint8Array | FormData;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The path is from the server root, not under `/api/v1`. */
  readonly root?: boolean;
}

/** A response with its body both as text and, when it is JSON, parsed. */
export interface RawResponse {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
  readonly headers: Headers;
}

/** Sends `call` as the holder of `token` (null: anonymous) and reads the whole answer. */
export async function sendCall(baseUrl: string, token: string | null, call: RawCall): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}) };
  let body: string | Uint8Array | FormData | undefined;
  if (call.raw !== undefined) {
    body = call.raw;
    if (call.contentType) headers['content-type'] = call.contentType;
  } else if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${baseUrl}${call.root ? '' : '/api/v1'}${call.path}`, {
    method: call.method,
    headers: { ...headers, ...call.headers },
    body: body as RequestInit['body'],
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** The registry shape `{error: {code, message}}` with one of `codes`; a message saying what is wrong otherwise. */
export function errorShapeProblem(res: RawResponse, codes: readonly string[]): string | null {
  const error = (res.json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return `not the error shape: ${res.text.slice(0, 200)}`;
  if (!codes.includes(error.code)) return `code ${error.code}, expected ${codes.join(' or ')}`;
  return null;
}
