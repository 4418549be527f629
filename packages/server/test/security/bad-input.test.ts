import { isErrorCode } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';
import { type CorpusCase, corpusFor } from './bad-input-corpus.ts';
import { settledFingerprint } from './data-fingerprint.ts';
import { type RawCall, type RawResponse, sendCall } from './raw-request.ts';
import { ROUTE_CASES } from './route-cases.ts';
import { buildSecurityFixture, FIXTURE_TIMEOUT_MS, type SecurityFixture } from './security-fixture.ts';

/** A well-formed id of nothing, for the routes whose matrix request consumes a fresh resource. */
const NOTHING = '00000000-0000-4000-8000-000000000000';

interface OpenApiOperation {
  readonly parameters?: readonly { readonly in: string; readonly name: string }[];
  readonly requestBody?: unknown;
}

/** Valid requests of the public routes (the matrix has those of every other route). */
function publicCalls(fx: SecurityFixture): [string, RawCall][] {
  return [
    [
      'POST /api/v1/auth/register',
      { method: 'POST', path: '/auth/register', body: { email: 'new@example.test', name: 'New', password: 'correct horse battery' } },
    ],
    ['POST /api/v1/auth/login', { method: 'POST', path: '/auth/login', body: { email: fx.clients.viewer.user?.email, password: 'wrong password' } }],
    ['GET /api/v1/invitations/{token}', { method: 'GET', path: `/invitations/${fx.invitationToken}` }],
    [
      'POST /api/v1/invitations/{token}/register',
      { method: 'POST', path: `/invitations/${NOTHING}/register`, body: { name: 'Nobody', password: 'a long password' } },
    ],
    ['POST /api/v1/invitations/{token}/accept', { method: 'POST', path: `/invitations/${NOTHING}/accept`, body: {} }],
    ['POST /api/v1/analytics/pageview', { method: 'POST', path: '/analytics/pageview', body: { site: fx.siteKey, url: 'https://shop.example/' } }],
    ['POST /api/v1/analytics/event', { method: 'POST', path: '/analytics/event', body: { site: fx.siteKey, name: 'signup', url: 'https://shop.example/' } }],
  ];
}

/** What is wrong with an answer to a corpus case, or null. */
function problemOf(c: CorpusCase, res: RawResponse): string | null {
  if (res.status >= 500) return `${res.status} ${res.text.slice(0, 200)}`;
  if (res.text.includes('$argon2')) return 'a password hash in the answer';
  if (res.status >= 400) {
    const code = (res.json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (!code || !isErrorCode(code.code) || typeof code.message !== 'string') return `${res.status} without the error shape: ${res.text.slice(0, 200)}`;
    return null;
  }
  if (c.expect === 'refused') return `accepted (${res.status}): ${res.text.slice(0, 200)}`;
  return null;
}

describe('bad input: a corpus of malformed requests against every route', () => {
  let server: TestServer;
  let fx: SecurityFixture;
  let corpus: CorpusCase[] = [];
  let before: Record<string, string>;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { analyticsRateLimit: 100_000 } });
    fx = await buildSecurityFixture(server);
    const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
    const operation = (route: string) => {
      const [method = '', path = ''] = route.split(' ');
      return doc.paths[path]?.[method.toLowerCase()];
    };
    const valid: [string, RawCall][] = [...ROUTE_CASES.map((c) => [c.route, c.call(fx, c.fresh ? NOTHING : '')] as [string, RawCall]), ...publicCalls(fx)];
    for (const [route, call] of valid) {
      const op = operation(route);
      const queryNames = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      corpus.push(...corpusFor(route, call, queryNames, op?.requestBody !== undefined, server.config.bodyLimitBytes));
    }
    // A DELETE's storable variants would delete the fixture's resource; what must be refused stays.
    corpus = corpus.filter((c) => c.call.method !== 'DELETE' || c.label.startsWith('path parameter') || c.expect === 'refused');
  }, FIXTURE_TIMEOUT_MS);
  afterAll(async () => server?.close());

  const byRoute = (keep: (c: CorpusCase) => boolean) => () => {
    const routes = new Map<string, CorpusCase[]>();
    for (const c of corpus.filter(keep)) routes.set(c.route, [...(routes.get(c.route) ?? []), c]);
    return routes;
  };
  /** Cases that must store nothing: every refused one and every read. */
  const storesNothing = (c: CorpusCase) => c.expect !== 'no-5xx' || c.call.method === 'GET';

  it('has cases for every route', () => {
    expect(new Set(corpus.map((c) => c.route)).size).toBe(ROUTE_CASES.length + publicCalls(fx).length);
  });

  it('takes a fingerprint of every table first', async () => {
    before = await settledFingerprint(server.tandem.ctx.db);
  });

  it('answers every case that must store nothing with a 4xx in the error shape (never a 500), and stores nothing', async () => {
    const problems: string[] = [];
    for (const [route, cases] of byRoute(storesNothing)()) {
      for (const c of cases) {
        const res = await sendCall(server.url, fx.clients.owner.token, c.call);
        const problem = problemOf(c, res);
        if (problem) problems.push(`${route} — ${c.label}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(await settledFingerprint(server.tandem.ctx.db)).toEqual(before);
  });

  it('answers every other case (odd but storable values) without a server error', async () => {
    const problems: string[] = [];
    for (const [route, cases] of byRoute((c) => !storesNothing(c))()) {
      for (const c of cases) {
        const res = await sendCall(server.url, fx.clients.owner.token, c.call);
        const problem = problemOf(c, res);
        if (problem) problems.push(`${route} — ${c.label}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('refuses a bad `since` on subscribe and a bad Last-Event-ID on the event stream', async () => {
    const ws = await connectWs(server.url, fx.clients.viewer);
    try {
      for (const since of [-1, 1.5, 'ten', 1e300, null, Number.MAX_SAFE_INTEGER + 2]) {
        const answer = await ws.request({ type: 'subscribe', room: `table:${fx.table}`, since });
        expect(answer.type === 'error' || answer.type === 'ack', JSON.stringify(answer)).toBe(true);
        if (answer.type === 'error') expect(answer.code, String(since)).toBe('invalid_input');
      }
    } finally {
      await ws.close();
    }
    for (const lastEventId of ['garbage', '-1', "' OR 1=1 --", '9'.repeat(400), `table:${fx.table}:1e400`, '\u00ff\u00fe']) {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/api/v1/events?room=${encodeURIComponent(`table:${fx.table}`)}`, {
        headers: { authorization: `Bearer ${fx.clients.viewer.token}`, 'last-event-id': lastEventId },
        signal: controller.signal,
      });
      expect(res.status, lastEventId).toBeLessThan(500);
      controller.abort();
    }
  });

  it('keeps serving everyone after the corpus', async () => {
    console.info(`bad-input corpus: ${corpus.length} cases`);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fx.clients.viewer.get(`/records/${fx.record}`)).status).toBe(200);
    expect((await fx.clients.editor.patch(`/records/${fx.record}`, { values: { [fx.field]: 'still writable' } })).status).toBe(200);
  });
});
