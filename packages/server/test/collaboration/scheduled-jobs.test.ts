import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshSchema } from '../support/databases.ts';
import { postgresRuns } from '../support/each-database.ts';
import { startServer, type TestServer } from '../support/server.ts';

const HOUR = 3600_000;
const T0 = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 2 * HOUR);

describe.skipIf(!postgresRuns)('scheduled jobs across server processes [postgres]', () => {
  const schema = freshSchema('jobs');
  const runs: string[] = [];
  let a: TestServer;
  let b: TestServer;
  /** Both servers know the same hourly job, which records which server ran it. */
  const withProbe = (server: TestServer, label: string) => {
    server.tandem.ctx.jobs.register('probe', HOUR, async (now) => {
      runs.push(`${label}@${now.toISOString()}`);
    });
    return server;
  };
  const tickBoth = (when: Date) => {
    a.tandem.ctx.jobs.clock = () => when;
    b.tandem.ctx.jobs.clock = () => when;
    return Promise.all([a.tandem.ctx.jobs.tick(), b.tandem.ctx.jobs.tick()]);
  };

  beforeAll(async () => {
    a = withProbe(await startServer({ db: 'postgres', schema, keep: true, overrides: { jobsPollMs: 0 } }), 'a');
    b = withProbe(await startServer({ db: 'postgres', schema, overrides: { jobsPollMs: 0 } }), 'b');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('two servers on one database run a periodic job once per period, not twice', async () => {
    const [ranA, ranB] = await tickBoth(T0);
    expect(runs).toHaveLength(1);
    // Every built-in job also ran exactly once between the two.
    expect([...ranA, ...ranB].sort()).toEqual([
      'analytics-retention',
      'analytics-rollup',
      'analytics-salts',
      'documents-compact',
      'event-history-trim',
      'metrics-history-trim',
      'notification-cleanup',
      'notification-delivery',
      'notification-digest',
      'probe',
    ]);

    await tickBoth(new Date(T0.getTime() + HOUR / 2));
    expect(runs).toHaveLength(1);
    await Promise.all([tickBoth(new Date(T0.getTime() + HOUR)), tickBoth(new Date(T0.getTime() + HOUR))]);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatch(new RegExp(`@${new Date(T0.getTime() + HOUR).toISOString()}$`));
  });

  it('the schedule survives a restart: a restarted server does not repeat the current period', async () => {
    const before = runs.length;
    await a.close();
    a = withProbe(await startServer({ db: 'postgres', schema, keep: true, overrides: { jobsPollMs: 0 } }), 'a');
    await tickBoth(new Date(T0.getTime() + HOUR + 60_000));
    expect(runs).toHaveLength(before);
    await tickBoth(new Date(T0.getTime() + 2 * HOUR));
    expect(runs).toHaveLength(before + 1);
    const [row] = await a.tandem.ctx.db.query<{ runs: number; last_error: string | null }>(`SELECT runs, last_error FROM jobs WHERE name = 'probe'`);
    expect(row).toEqual({ runs: before + 1, last_error: null });
  });
});

describe('scheduled jobs on the embedded database', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { jobsPollMs: 0, eventHistoryCount: 10 } });
  });
  afterAll(async () => server?.close());

  it('a failing job records its error and runs again next period', async () => {
    let calls = 0;
    server.tandem.ctx.jobs.register('flaky', HOUR, async () => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
    });
    server.tandem.ctx.jobs.clock = () => T0;
    expect(await server.tandem.ctx.jobs.tick()).toContain('flaky');
    const [failed] = await server.tandem.ctx.db.query<{ last_error: string | null }>(`SELECT last_error FROM jobs WHERE name = 'flaky'`);
    expect(failed?.last_error).toBe('boom');
    server.tandem.ctx.jobs.clock = () => new Date(T0.getTime() + HOUR);
    await server.tandem.ctx.jobs.tick();
    expect(calls).toBe(2);
    const [ok] = await server.tandem.ctx.db.query<{ last_error: string | null }>(`SELECT last_error FROM jobs WHERE name = 'flaky'`);
    expect(ok?.last_error).toBeNull();
  });

  it('the history job trims durable events past EVENT_HISTORY_COUNT per room', async () => {
    const { ctx } = server.tandem;
    await ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 25; i += 1) ctx.events.append(tx, ['system'], 'announcement', null, { i });
    });
    ctx.jobs.clock = () => new Date(T0.getTime() + 10 * HOUR);
    expect(await ctx.jobs.tick()).toContain('event-history-trim');
    const [row] = await ctx.db.query<{ n: number; min: number }>(`SELECT count(*)::int AS n, min(seq)::int AS min FROM events WHERE room = 'system'`);
    expect(row).toEqual({ n: 10, min: 16 });
  });
});
