import { TandemError } from './tandem-error.ts';

/** Supplies the bearer token for a request; null or undefined sends none (cookie auth). */
export type TokenSource = string | null | (() => string | null | undefined | Promise<string | null | undefined>);

/** The `fetch` the SDK uses (the environment's by default). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The `credentials` mode of browser requests (whether the session cookie travels). */
export type CookiePolicy = 'omit' | 'same-origin' | 'include';

/** Query parameters; arrays repeat the key, undefined values are left out. */
export type Query = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

/** Options of {@link RestClient}. */
export interface RestClientOptions {
  /** Base URL of the server, e.g. `https://tandem.example.com` (the API lives under `/api/v1`). */
  readonly baseUrl: string;
  readonly token?: TokenSource;
  /** Default: the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Cookie policy for browsers (default `same-origin`; `include` for a cross-origin app using the session cookie). */
  readonly credentials?: CookiePolicy;
}

/**
 * A small JSON client for the REST API under `/api/v1`. Every failure becomes a `TandemError`
 * with the registry code from the response body (network failures become `unavailable`).
 */
export class RestClient {
  readonly #fetch: FetchLike;

  constructor(private readonly options: RestClientOptions) {
    // Bound: browsers refuse `fetch` called as a method of another object ("Illegal invocation").
    const fetchFn = options.fetch ?? (globalThis.fetch?.bind(globalThis) as FetchLike | undefined);
    if (!fetchFn) throw new Error('No fetch available; pass options.fetch.');
    this.#fetch = fetchFn;
  }

  /** `GET /api/v1{path}`. */
  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, undefined, query);
  }

  /** `POST /api/v1{path}` with a JSON body. */
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  /** `PATCH /api/v1{path}` with a JSON body. */
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  /** `PUT /api/v1{path}` with a JSON body. */
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  /** `DELETE /api/v1{path}`. */
  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** The current bearer token, resolved from the token source. */
  async token(): Promise<string | null> {
    const source = this.options.token;
    const value = typeof source === 'function' ? await source() : source;
    return value ?? null;
  }

  /** The absolute URL of an API path with its query string. */
  url(path: string, query?: Query): string {
    const url = new URL(`/api/v1${path}`, this.options.baseUrl);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, item);
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** Headers for an authenticated request (bearer token when there is one). */
  async headers(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const token = await this.token();
    return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
  }

  /** Sends one request and decodes the JSON answer; 204 resolves to undefined. */
  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(this.url(path, query), {
        method,
        headers: await this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: this.options.credentials ?? 'same-origin',
      });
    } catch (err) {
      throw new TandemError('unavailable', `Could not reach the server: ${(err as Error)?.message ?? err}`);
    }
    return (await decode(response)) as T;
  }
}

/** Reads a response: JSON on success, a `TandemError` from the error body otherwise. */
export async function decode(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed;
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error) throw TandemError.from(error.code, error.message, error.details);
  throw TandemError.fromStatus(response.status);
}
