import { randomUUID } from 'node:crypto';
import type { PresenceEntry } from '@tandem/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionKey, type PresenceStore } from '../../src/backends/presence-store.ts';

/** Long enough that nothing expires during a test step. */
const LONG = 60_000;
/** Short enough that a test can wait past it. */
const SHORT = 80;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function entry(userId: string, overrides: Partial<PresenceEntry> = {}): PresenceEntry {
  return {
    user_id: userId,
    name: `User ${userId.slice(0, 4)}`,
    color: '#123456',
    action: 'viewing',
    status: 'online',
    since: new Date().toISOString(),
    ...overrides,
  };
}

/**
 * The shared behaviour every {@link PresenceStore} must have. Call it from each backend's test
 * file with a factory that returns a fresh, isolated store (its own key prefix for shared backends).
 */
export function presenceStoreConformance(name: string, factory: () => Promise<PresenceStore>): void {
  describe(`PresenceStore conformance: ${name}`, () => {
    let store: PresenceStore;
    let room: string;
    const conn = (n: string) => connectionKey('node-a', `${n}-${randomUUID()}`);

    beforeEach(async () => {
      store = await factory();
      room = `table:${randomUUID()}`;
    });
    afterEach(async () => {
      await store.close();
    });

    it('reports a join only for the first connection of a user in a room', async () => {
      const alice = randomUUID();
      const first = await store.upsert(room, conn('a1'), entry(alice), LONG);
      const second = await store.upsert(room, conn('a2'), entry(alice), LONG);
      expect(first.joined).toBe(true);
      expect(second.joined).toBe(false);
    });

    it('lists a user with several connections once, showing the newest entry', async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      await store.upsert(room, conn('a1'), entry(alice, { since: '2024-01-01T00:00:00.000Z' }), LONG);
      await store.upsert(room, conn('b1'), entry(bob, { since: '2024-01-02T00:00:00.000Z' }), LONG);
      await store.upsert(room, conn('a2'), entry(alice, { action: 'editing', since: '2024-01-01T00:00:00.000Z' }), LONG);
      const list = await store.list(room);
      expect(list.map((e) => e.user_id)).toEqual([alice, bob]);
      expect(list[0]?.action).toBe('editing');
      expect((await store.usersIn(room)).sort()).toEqual([alice, bob].sort());
    });

    it('replacing the entry of the same connection updates it without a second join', async () => {
      const alice = randomUUID();
      const c = conn('a');
      await store.upsert(room, c, entry(alice), LONG);
      const again = await store.upsert(room, c, entry(alice, { status: 'busy' }), LONG);
      expect(again.joined).toBe(false);
      expect(again.entry.status).toBe('busy');
      expect(await store.list(room)).toHaveLength(1);
    });

    it('reports a leave only when the last connection of the user is removed', async () => {
      const alice = randomUUID();
      const c1 = conn('a1');
      const c2 = conn('a2');
      await store.upsert(room, c1, entry(alice), LONG);
      await store.upsert(room, c2, entry(alice), LONG);
      expect(await store.remove(room, c1)).toEqual({ userId: alice, left: false });
      expect(await store.remove(room, c2)).toEqual({ userId: alice, left: true });
      expect(await store.remove(room, c2)).toEqual({ userId: null, left: false });
      expect(await store.list(room)).toEqual([]);
    });

    it('keeps rooms apart', async () => {
      const alice = randomUUID();
      const other = `table:${randomUUID()}`;
      const c = conn('a');
      await store.upsert(room, c, entry(alice), LONG);
      expect((await store.upsert(other, c, entry(alice), LONG)).joined).toBe(true);
      expect((await store.remove(room, c)).left).toBe(true);
      expect(await store.usersIn(other)).toEqual([alice]);
    });

    it('removing a connection reports every room the user thereby left', async () => {
      const alice = randomUUID();
      const other = `record:${randomUUID()}`;
      const c1 = conn('a1');
      const c2 = conn('a2');
      await store.upsert(room, c1, entry(alice), LONG);
      await store.upsert(other, c1, entry(alice), LONG);
      await store.upsert(other, c2, entry(alice), LONG);
      const departures = await store.removeConnection(c1);
      expect(departures).toEqual([{ room, userId: alice }]);
      expect(await store.usersIn(room)).toEqual([]);
      expect(await store.usersIn(other)).toEqual([alice]);
    });

    it('hides expired entries and a sweep reports the user as gone exactly once', async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      await store.upsert(room, conn('a'), entry(alice), SHORT);
      await store.upsert(room, conn('b'), entry(bob), LONG);
      await sleep(SHORT * 2);
      expect((await store.list(room)).map((e) => e.user_id)).toEqual([bob]);
      const first = await store.sweep();
      expect(first.filter((d) => d.room === room)).toEqual([{ room, userId: alice }]);
      const second = await store.sweep();
      expect(second.filter((d) => d.room === room)).toEqual([]);
    });

    it('a sweep does not report a user who still has another live connection', async () => {
      const alice = randomUUID();
      await store.upsert(room, conn('dead'), entry(alice), SHORT);
      await store.upsert(room, conn('alive'), entry(alice), LONG);
      await sleep(SHORT * 2);
      expect((await store.sweep()).filter((d) => d.room === room)).toEqual([]);
      expect(await store.usersIn(room)).toEqual([alice]);
    });

    it('a heartbeat refresh keeps entries alive past their first expiry', async () => {
      const alice = randomUUID();
      const c = conn('a');
      await store.upsert(room, c, entry(alice), SHORT * 2);
      await sleep(SHORT);
      await store.refresh(c, LONG);
      await sleep(SHORT * 2);
      expect(await store.usersIn(room)).toEqual([alice]);
    });

    it('a refresh does not bring an expired entry back', async () => {
      const alice = randomUUID();
      const c = conn('a');
      await store.upsert(room, c, entry(alice), SHORT);
      await sleep(SHORT * 2);
      await store.refresh(c, LONG);
      expect(await store.usersIn(room)).toEqual([]);
    });

    it('a join after expiry is reported as a join again', async () => {
      const alice = randomUUID();
      await store.upsert(room, conn('a1'), entry(alice), SHORT);
      await sleep(SHORT * 2);
      expect((await store.upsert(room, conn('a2'), entry(alice), LONG)).joined).toBe(true);
    });

    it('a status change reaches every room of the user and nobody else', async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      const other = `record:${randomUUID()}`;
      await store.upsert(room, conn('a1'), entry(alice), LONG);
      await store.upsert(other, conn('a2'), entry(alice), LONG);
      await store.upsert(room, conn('b'), entry(bob), LONG);
      const changed = await store.setStatus(alice, 'away');
      expect(changed.map((c) => c.room).sort()).toEqual([room, other].sort());
      expect(changed.every((c) => c.entry.status === 'away' && c.entry.user_id === alice)).toBe(true);
      const list = await store.list(room);
      expect(list.find((e) => e.user_id === alice)?.status).toBe('away');
      expect(list.find((e) => e.user_id === bob)?.status).toBe('online');
      expect(await store.setStatus(alice, 'away')).toEqual([]);
    });
  });
}
