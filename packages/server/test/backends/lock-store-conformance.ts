import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockHolder, LockStore } from '../../src/backends/lock-store.ts';
import { connectionKey } from '../../src/backends/presence-store.ts';

const LONG = 60_000;
const SHORT = 80;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function holder(name: string, connection = connectionKey('node-a', randomUUID())): LockHolder {
  return { user_id: randomUUID(), name, color: '#abcdef', connection };
}

/**
 * The shared behaviour every {@link LockStore} must have. Call it from each backend's test file
 * with a factory that returns a fresh, isolated store (its own key prefix for shared backends).
 */
export function lockStoreConformance(name: string, factory: () => Promise<LockStore>): void {
  describe(`LockStore conformance: ${name}`, () => {
    let store: LockStore;
    let table: string;
    let record: string;
    let field: string;

    beforeEach(async () => {
      store = await factory();
      table = randomUUID();
      record = randomUUID();
      field = randomUUID();
    });
    afterEach(async () => {
      await store.close();
    });

    it('grants a free cell and refuses it to another user, naming the holder', async () => {
      const alice = holder('Alice');
      const bob = holder('Bob');
      const a = await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: LONG });
      expect(a.ok).toBe(true);
      const b = await store.acquire({ table_id: table, record_id: record, field_id: field, holder: bob, ttlMs: LONG });
      expect(b.ok).toBe(false);
      if (!b.ok) {
        expect(b.holder.user_id).toBe(alice.user_id);
        expect(b.holder.name).toBe('Alice');
        expect(b.holder.table_id).toBe(table);
      }
    });

    it('the same user renews their lease instead of being refused', async () => {
      const alice = holder('Alice');
      await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: SHORT });
      const again = await store.acquire({ table_id: table, record_id: record, field_id: field, holder: { ...alice, connection: 'node-b/x' }, ttlMs: LONG });
      expect(again.ok && again.renewed).toBe(true);
      await sleep(SHORT * 2);
      const lease = await store.get(record, field);
      expect(lease?.connection).toBe('node-b/x');
    });

    it('cells of different fields are independent, a row lock conflicts with every cell', async () => {
      const alice = holder('Alice');
      const bob = holder('Bob');
      const other = randomUUID();
      expect((await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: LONG })).ok).toBe(true);
      expect((await store.acquire({ table_id: table, record_id: record, field_id: other, holder: bob, ttlMs: LONG })).ok).toBe(true);
      expect((await store.acquire({ table_id: table, record_id: record, field_id: null, holder: bob, ttlMs: LONG })).ok).toBe(false);
      const row = randomUUID();
      expect((await store.acquire({ table_id: table, record_id: row, field_id: null, holder: alice, ttlMs: LONG })).ok).toBe(true);
      expect((await store.acquire({ table_id: table, record_id: row, field_id: field, holder: bob, ttlMs: LONG })).ok).toBe(false);
      expect((await store.acquire({ table_id: table, record_id: row, field_id: field, holder: alice, ttlMs: LONG })).ok).toBe(true);
    });

    it('a forced acquire breaks the other users leases and reports them', async () => {
      const alice = holder('Alice');
      const admin = holder('Admin');
      await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: LONG });
      const forced = await store.acquire({ table_id: table, record_id: record, field_id: null, holder: admin, ttlMs: LONG, force: true });
      expect(forced.ok).toBe(true);
      if (forced.ok) expect(forced.replaced.map((l) => l.user_id)).toEqual([alice.user_id]);
      expect(await store.get(record, field)).toBeNull();
      expect((await store.get(record, null))?.user_id).toBe(admin.user_id);
    });

    it('of two concurrent acquires by different users exactly one wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.acquire({ table_id: table, record_id: record, field_id: field, holder: holder(`U${i}`), ttlMs: LONG })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('only the holder releases, unless forced', async () => {
      const alice = holder('Alice');
      await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: LONG });
      expect(await store.release(record, field, randomUUID())).toBeNull();
      expect((await store.get(record, field))?.user_id).toBe(alice.user_id);
      expect((await store.release(record, field, alice.user_id))?.user_id).toBe(alice.user_id);
      expect(await store.get(record, field)).toBeNull();
      await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: LONG });
      expect((await store.release(record, field, null))?.user_id).toBe(alice.user_id);
      expect(await store.release(record, field, null)).toBeNull();
    });

    it('lists leases by record and by table', async () => {
      const alice = holder('Alice');
      const otherRecord = randomUUID();
      const otherTable = randomUUID();
      await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: LONG });
      await store.acquire({ table_id: table, record_id: otherRecord, field_id: null, holder: alice, ttlMs: LONG });
      await store.acquire({ table_id: otherTable, record_id: randomUUID(), field_id: null, holder: alice, ttlMs: LONG });
      expect((await store.listByRecord(record)).map((l) => l.field_id)).toEqual([field]);
      expect((await store.listByTable(table)).map((l) => l.record_id).sort()).toEqual([record, otherRecord].sort());
    });

    it('a lease expires after its TTL and is swept exactly once', async () => {
      const alice = holder('Alice');
      const bob = holder('Bob');
      await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: SHORT });
      await sleep(SHORT * 2);
      expect(await store.get(record, field)).toBeNull();
      expect(await store.listByTable(table)).toEqual([]);
      const swept = await store.sweep();
      expect(swept.filter((l) => l.record_id === record).map((l) => l.user_id)).toEqual([alice.user_id]);
      expect((await store.sweep()).filter((l) => l.record_id === record)).toEqual([]);
      expect((await store.acquire({ table_id: table, record_id: record, field_id: field, holder: bob, ttlMs: LONG })).ok).toBe(true);
    });

    it('an expired lease no longer blocks another user even before a sweep', async () => {
      await store.acquire({ table_id: table, record_id: record, field_id: field, holder: holder('Alice'), ttlMs: SHORT });
      await sleep(SHORT * 2);
      expect((await store.acquire({ table_id: table, record_id: record, field_id: field, holder: holder('Bob'), ttlMs: LONG })).ok).toBe(true);
    });

    it('refreshing a connection keeps its leases alive, and never revives an expired one', async () => {
      const alice = holder('Alice');
      const other = randomUUID();
      await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: SHORT * 2 });
      await store.acquire({ table_id: table, record_id: other, field_id: null, holder: alice, ttlMs: SHORT / 4 });
      await sleep(SHORT);
      await store.refreshConnection(alice.connection, LONG);
      await sleep(SHORT * 2);
      expect((await store.get(record, field))?.user_id).toBe(alice.user_id);
      expect(await store.get(other, null)).toBeNull();
    });

    it('releasing a connection frees all its leases and leaves other connections alone', async () => {
      const alice = holder('Alice');
      const aliceTab2 = { ...alice, connection: connectionKey('node-a', randomUUID()) };
      const other = randomUUID();
      await store.acquire({ table_id: table, record_id: record, field_id: field, holder: alice, ttlMs: LONG });
      await store.acquire({ table_id: table, record_id: record, field_id: null, holder: alice, ttlMs: LONG });
      await store.acquire({ table_id: table, record_id: other, field_id: field, holder: aliceTab2, ttlMs: LONG });
      const released = await store.releaseConnection(alice.connection);
      expect(released.map((l) => l.field_id).sort()).toEqual([field, null].sort());
      expect(await store.listByRecord(record)).toEqual([]);
      expect(await store.listByRecord(other)).toHaveLength(1);
    });
  });
}
