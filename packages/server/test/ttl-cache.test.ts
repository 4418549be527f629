import { describe, expect, it } from 'vitest';
import { TtlCache } from '../src/cache/ttl-cache.ts';

describe('TtlCache', () => {
  it('forgets an entry once its time is up, or sooner when the value itself expires sooner', () => {
    let now = 1000;
    const cache = new TtlCache<string, string>(100, 10, () => now);
    cache.set('a', 'A');
    cache.set('b', 'B', 1050);
    now = 1049;
    expect([cache.get('a'), cache.get('b')]).toEqual(['A', 'B']);
    now = 1050;
    expect([cache.get('a'), cache.get('b')]).toEqual(['A', undefined]);
    now = 1100;
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps at most its bound, dropping the oldest entry first', () => {
    const cache = new TtlCache<number, number>(60_000, 3);
    for (const n of [1, 2, 3, 4]) cache.set(n, n * 10);
    expect(cache.size).toBe(3);
    expect([cache.get(1), cache.get(2), cache.get(4)]).toEqual([undefined, 20, 40]);
  });

  it('deletes by value, and a zero lifetime caches nothing', () => {
    const cache = new TtlCache<string, { user: string }>(60_000, 10);
    cache.set('s1', { user: 'u1' });
    cache.set('s2', { user: 'u2' });
    cache.deleteWhere((v) => v.user === 'u1');
    expect([cache.get('s1'), cache.get('s2')]).toEqual([undefined, { user: 'u2' }]);
    const off = new TtlCache<string, string>(0, 10);
    off.set('k', 'v');
    expect(off.get('k')).toBeUndefined();
  });

  it('a value read before an invalidation is not stored after it', () => {
    const cache = new TtlCache<string, string>(60_000, 10);
    const stamp = cache.stamp();
    cache.delete('role'); // the change lands while the old value is being read
    cache.set('role', 'editor (stale)', undefined, stamp);
    expect(cache.get('role')).toBeUndefined();
    const fresh = cache.stamp();
    cache.set('role', 'viewer', undefined, fresh);
    expect(cache.get('role')).toBe('viewer');
  });
});
