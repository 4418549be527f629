import { ROLES, type Role, roleAtLeast } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';
import { settledFingerprint } from './data-fingerprint.ts';
import { errorShapeProblem, sendCall } from './raw-request.ts';
import { CHECKED_ELSEWHERE, PUBLIC_ROUTES, ROUTE_CASES, type RouteCase, WEB_APP_FILES } from './route-cases.ts';
import { documentedRoutes, servedRoutes } from './route-table.ts';
import { ACTORS, type Actor, buildSecurityFixture, FIXTURE_TIMEOUT_MS, SECRET, type SecurityFixture } from './security-fixture.ts';

/** Whether `actor` may use a route of the case's rule. */
export function mayUse(c: RouteCase, actor: Actor): boolean {
  if (c.allowed === 'any-user') return true;
  if (c.allowed === 'owner-only') return actor === 'owner';
  return actor !== 'outsider' && roleAtLeast(actor as Role, c.allowed);
}

/** The least powerful actor allowed to use a route: the one whose request must succeed. */
export function leastAllowed(c: RouteCase): Actor {
  return ACTORS.find((actor) => mayUse(c, actor)) ?? 'owner';
}

// Run once, on PGlite: the checks are in the services, which run the same SQL on both databases,
// and the role matrix and chat access suites already cover the PostgreSQL side.
describe('security matrix: every REST route for every role and a member of another workspace', () => {
  let server: TestServer;
  let fx: SecurityFixture;
  let before: Record<string, string>;
  const freshIds = new Map<RouteCase, string>();

  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
    fx = await buildSecurityFixture(server);
    for (const c of ROUTE_CASES) if (c.fresh) freshIds.set(c, await c.fresh(fx));
  }, FIXTURE_TIMEOUT_MS);
  afterAll(async () => server?.close());

  it('covers every route the server serves: each is in the matrix, public with a reason, or checked elsewhere', async () => {
    const served = servedRoutes(server.tandem.app);
    const documented = await documentedRoutes(server.url);
    const known = new Set([...ROUTE_CASES.map((c) => c.route), ...Object.keys(PUBLIC_ROUTES), ...Object.keys(CHECKED_ELSEWHERE)]);
    expect(
      served.filter((r) => !known.has(r) && !WEB_APP_FILES.test(r)),
      'routes without a membership/role case: add them to ROUTE_CASES (or PUBLIC_ROUTES with a reason)',
    ).toEqual([]);
    expect(
      documented.filter((r) => !served.includes(r)),
      'documented but not served',
    ).toEqual([]);
    expect(
      ROUTE_CASES.map((c) => c.route).filter((r) => !served.includes(r)),
      'cases of routes that no longer exist',
    ).toEqual([]);
    expect(new Set(ROUTE_CASES.map((c) => c.route)).size).toBe(ROUTE_CASES.length);
    expect(ROLES.length).toBe(5);
  });

  it('takes a fingerprint of every table before the refused requests', async () => {
    before = await settledFingerprint(server.tandem.ctx.db);
    expect(Object.keys(before).length).toBeGreaterThan(30);
  });

  it.each(ROUTE_CASES.map((c) => [c.route, c] as const))('%s refuses the anonymous caller, the outsider and every lower role', async (_name, c) => {
    const call = c.call(fx, freshIds.get(c) ?? '');
    const problems: string[] = [];
    const anonymous = await sendCall(server.url, null, call);
    if (anonymous.status !== 401) problems.push(`anonymous: ${anonymous.status}`);
    else {
      const shape = errorShapeProblem(anonymous, ['unauthenticated']);
      if (shape) problems.push(`anonymous: ${shape}`);
    }
    for (const actor of ACTORS.filter((a) => !mayUse(c, a))) {
      const res = await sendCall(server.url, fx.clients[actor].token, c.call(fx, freshIds.get(c) ?? ''));
      const expected = actor === 'outsider' ? [404] : [403, 404];
      if (!expected.includes(res.status)) problems.push(`${actor}: ${res.status} ${res.text.slice(0, 160)}`);
      else {
        const shape = errorShapeProblem(res, actor === 'outsider' ? ['not_found'] : ['forbidden', 'not_found']);
        if (shape) problems.push(`${actor}: ${shape}`);
      }
      if (res.text.includes(SECRET)) problems.push(`${actor}: the refusal leaks the workspace's data: ${res.text.slice(0, 160)}`);
    }
    expect(problems).toEqual([]);
  });

  it('changed nothing with all those refused requests', async () => {
    expect(await settledFingerprint(server.tandem.ctx.db)).toEqual(before);
  });

  it.each(ROUTE_CASES.map((c) => [c.route, c] as const))('%s answers the least role allowed (so the refusals were not a wrong id)', async (_name, c) => {
    const actor = leastAllowed(c);
    const res = await sendCall(server.url, fx.clients[actor].token, c.call(fx, freshIds.get(c) ?? ''));
    expect(res.status, `${actor}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
    expect(res.status, `${actor}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
    if (actor === 'outsider') expect(res.text, 'an outsider sees nothing of the other workspace').not.toContain(SECRET);
  });
});
