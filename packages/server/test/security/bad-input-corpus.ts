import type { RawCall } from './raw-request.ts';
import type { RouteKey } from './route-table.ts';

/**
 * What a corpus case must get: `refused` — a 4xx with the error shape and nothing stored;
 * `unchanged` — a 4xx, or a 2xx of an idempotent request that found nothing to do (removing a
 * member who is not one), and nothing stored; `no-5xx` — any answer but a server error (the value
 * may be legitimately stored, e.g. odd Unicode in a name), and on a GET nothing stored either.
 */
export type CorpusExpectation = 'refused' | 'unchanged' | 'no-5xx';

/** One malformed request derived from a route's valid request. */
export interface CorpusCase {
  readonly route: RouteKey;
  readonly label: string;
  readonly call: RawCall;
  readonly expect: CorpusExpectation;
}

/** Ids that are not ids: malformed, injected, the nil UUID, too long, traversal, encoded NUL. */
export const BAD_IDS: readonly string[] = [
  'not-a-uuid',
  "1' OR '1'='1",
  '------------------------------------',
  'x'.repeat(3000),
  '\u0000',
  '../../etc/passwd',
  '🙂',
];

/** Query values aimed at SQL built by string concatenation, and a NUL. */
export const INJECTIONS: readonly string[] = [
  "' OR '1'='1",
  '1; DROP TABLE records; --',
  "%' UNION SELECT password_hash FROM users --",
  '\u0000',
  '{"$gt": ""}',
];

/** Values of a limit-like parameter that no page size is. */
export const BAD_LIMITS: readonly string[] = ['-1', '99999999999999999999', '1.5', 'NaN', '1e400'];

/** Path segments sent as they are, not percent-encoded: a malformed escape and a bare NUL escape. */
export const RAW_BAD_SEGMENTS: readonly string[] = ['%E0%A4%A', '%zz', '%00'];

/** Strings PostgreSQL cannot store: a NUL, and a surrogate without its other half. */
export const UNSTORABLE_STRINGS: readonly [string, string][] = [
  ['NUL byte', 'a\u0000b'],
  ['lone high surrogate', 'a\ud800b'],
  ['lone low surrogate', '\udc00'],
];

/** Strings that are valid text, but unusual. */
export const ODD_STRINGS: readonly [string, string][] = [
  ['right-to-left override and zero-width joiner', '\u202egnp.exe\u200d'],
  ['combining marks', `Z${'\u0336\u0334'.repeat(200)}`],
  ['astral emoji', '👩‍👩‍👧‍👦🏳️‍🌈'],
  ['SQL injection', "'); DELETE FROM records; --"],
  ['200,000 characters', 'x'.repeat(200_000)],
];

/** Body fields that take any JSON value, so no type is the wrong one (a workflow's trigger value). */
const ANY_JSON_KEYS = new Set(['value']);

/** A value of another JSON type than `value`. */
function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'twelve';
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return { 0: 'not an array' };
  if (value && typeof value === 'object') return 'not an object';
  return ['unexpected'];
}

/** `depth` arrays each holding the next. */
export function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function withQuery(path: string, name: string, value: string): string {
  const [base, query = ''] = path.split('?');
  const params = new URLSearchParams(query);
  params.set(name, value);
  return `${base}?${params.toString()}`;
}

/** The valid path with the segment of path parameter `index` (counting `{…}` of the template) replaced. */
function withPathParam(template: RouteKey, path: string, index: number, value: string): string | null {
  const templateSegments =
    template
      .split(' ')[1]
      ?.replace(/^\/api\/v1/, '')
      .split('/') ?? [];
  const [base, query] = path.split('?');
  const segments = (base ?? '').split('/');
  if (segments.length !== templateSegments.length) return null;
  let seen = -1;
  for (let i = 0; i < templateSegments.length; i++) {
    if (!templateSegments[i]?.startsWith('{')) continue;
    seen += 1;
    if (seen === index) segments[i] = value;
  }
  return segments.join('/') + (query ? `?${query}` : '');
}

/** Every malformed variant of `valid`, a request to `route` whose query parameters are `queryNames`. */
export function corpusFor(route: RouteKey, valid: RawCall, queryNames: readonly string[], hasBodySchema: boolean, bodyLimit: number): CorpusCase[] {
  const out: CorpusCase[] = [];
  const add = (label: string, call: RawCall, expect: CorpusExpectation) => out.push({ route, label, call, expect });
  const method = valid.method;
  const paramCount = (route.match(/\{/g) ?? []).length;

  for (let i = 0; i < paramCount; i++) {
    for (const id of BAD_IDS) {
      const path = withPathParam(route, valid.path, i, encodeURIComponent(id));
      if (path) add(`path parameter ${i + 1} = ${JSON.stringify(id.slice(0, 40))}`, { ...valid, path }, 'refused');
    }
    for (const segment of RAW_BAD_SEGMENTS) {
      const path = withPathParam(route, valid.path, i, segment);
      if (path) add(`path parameter ${i + 1} = ${segment} (raw)`, { ...valid, path }, 'refused');
    }
    const nothing = withPathParam(route, valid.path, i, '00000000-0000-0000-0000-000000000000');
    if (nothing) add(`path parameter ${i + 1} = the nil UUID`, { ...valid, path: nothing }, 'unchanged');
  }
  add('an unexpected query parameter with an injection', { ...valid, path: withQuery(valid.path, 'unexpected', "' OR 1=1 --") }, 'no-5xx');
  for (const name of queryNames) {
    for (const value of INJECTIONS) add(`?${name}=${JSON.stringify(value)}`, { ...valid, path: withQuery(valid.path, name, value) }, 'no-5xx');
    if (/limit|minutes|window/.test(name)) {
      for (const value of BAD_LIMITS) add(`?${name}=${value}`, { ...valid, path: withQuery(valid.path, name, value) }, 'refused');
    }
    if (/^(cursor|before|after|since|around|from|to|last_event_id)$/.test(name)) {
      for (const value of ['not-a-cursor', '-1', 'eyJ0cyI6MX0', '9999-99-99T99:99:99Z']) {
        add(`?${name}=${value}`, { ...valid, path: withQuery(valid.path, name, value) }, 'refused');
      }
    }
  }

  if (method === 'GET') return out;
  add('malformed JSON', { ...valid, body: undefined, raw: '{"name": ', contentType: 'application/json' }, 'refused');
  add('a body over the size limit', { ...valid, body: undefined, raw: `{"x":"${'x'.repeat(bodyLimit + 10)}"}`, contentType: 'application/json' }, 'refused');
  add('__proto__ in the body', { ...valid, body: undefined, raw: '{"__proto__": {"role": "owner"}}', contentType: 'application/json' }, 'refused');
  // A route without a body schema ignores a well-formed body, so the rest only goes where one is declared.
  if (!hasBodySchema) return out;
  add('JSON nested 5,000 deep', { ...valid, body: undefined, raw: nested(5000), contentType: 'application/json' }, 'refused');

  const body = valid.body;
  if (body !== undefined && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const other of [[], 'text', 42, null])
      add(`a ${JSON.stringify(other)} body`, { ...valid, body: undefined, raw: JSON.stringify(other), contentType: 'application/json' }, 'refused');
    for (const [key, value] of Object.entries(body)) {
      if (!ANY_JSON_KEYS.has(key)) add(`${key} of the wrong type`, { ...valid, body: { ...body, [key]: wrongType(value) } }, 'refused');
      if (typeof value === 'string') {
        for (const [label, bad] of UNSTORABLE_STRINGS) add(`${key}: ${label}`, { ...valid, body: { ...body, [key]: bad } }, 'refused');
        for (const [label, odd] of ODD_STRINGS) add(`${key}: ${label}`, { ...valid, body: { ...body, [key]: odd } }, 'no-5xx');
      }
    }
    add('a NUL in a key', { ...valid, body: { ...body, 'k\u0000': 1 } }, 'refused');
  }
  if (typeof valid.raw === 'string') {
    add('CSV with NUL bytes', { ...valid, raw: 'Title\na\u0000b\n' }, 'no-5xx');
    add('CSV of invalid UTF-8', { ...valid, raw: new Uint8Array([0x54, 0x0a, 0xff, 0xfe, 0xc3, 0x28, 0x0a]) }, 'no-5xx');
    add('CSV with an unclosed quote', { ...valid, raw: 'Title\n"never closed\n' }, 'no-5xx');
  }
  if (valid.raw instanceof FormData) {
    add('multipart with a wrong boundary', { ...valid, raw: '--nope\r\n\r\nhello', contentType: 'multipart/form-data; boundary=other' }, 'refused');
  }
  return out;
}
