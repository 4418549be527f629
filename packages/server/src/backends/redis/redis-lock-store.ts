import type { Redis } from 'ioredis';
import type { AcquireResult, Lease, LockRequest, LockStore } from '../lock-store.ts';
import { lockKey } from '../lock-store.ts';
import type { ConnectionKey } from '../presence-store.ts';
import { KEY_GRACE_MS, LuaScript, SWEEP_BATCH } from './redis-scripts.ts';

/*
 * Keys, all under `<REDIS_PREFIX>lock:` (P):
 *   P leases           hash  lock key ("<record>:<field>" or "<record>:*") → lease JSON (no expiry)
 *   P exp              zset  lock key → expiry (ms, Redis clock), what `sweep` scans
 *   P r:<record>       set   lock keys on the record
 *   P t:<table>        set   lock keys on records of the table
 *   P c:<connection>   set   lock keys the connection keeps alive
 * A lease is live while its expiry is in the future. Check-and-set runs as one Lua script, so of
 * two nodes racing for a cell exactly one wins.
 */

const COMMON = `
local function load(key)
  local json = redis.call('HGET', P..'leases', key)
  if not json then return nil, 0 end
  return json, tonumber(redis.call('ZSCORE', P..'exp', key) or '0')
end
local function drop(key, json)
  local lease = cjson.decode(json)
  redis.call('HDEL', P..'leases', key)
  redis.call('ZREM', P..'exp', key)
  redis.call('SREM', P..'r:'..lease.record_id, key)
  redis.call('SREM', P..'t:'..lease.table_id, key)
  redis.call('SREM', P..'c:'..lease.connection, key)
end
local function liveOf(keys)
  local out = {}
  for _, key in ipairs(keys) do
    local json, exp = load(key)
    if json and exp > now then
      out[#out + 1] = json
      out[#out + 1] = exp
    end
  end
  return out
end
`;

/**
 * ARGV: P, key, table, record, field ('' for a row), user, lease JSON, connection, ttl, force, grace
 * → {0, holder JSON, expiry} or {1, renewed, expiry, replaced JSON, replaced expiry, …}.
 */
const ACQUIRE = new LuaScript(`${COMMON}
local key, tableId, record, field, user, json, conn = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local ttl, force, life = tonumber(ARGV[9]), ARGV[10] == '1', tonumber(ARGV[9]) + tonumber(ARGV[11])
local candidates
if field == '' then
  candidates = redis.call('SMEMBERS', P..'r:'..record)
else
  candidates = {key, record..':*'}
end
local conflicts = {}
for _, k in ipairs(candidates) do
  local other, exp = load(k)
  if other and exp > now and cjson.decode(other).user_id ~= user then
    conflicts[#conflicts + 1] = {k, other, exp}
  end
end
if #conflicts > 0 and not force then return {0, conflicts[1][2], conflicts[1][3]} end
local out = {1, 0, 0}
for _, c in ipairs(conflicts) do
  drop(c[1], c[2])
  out[#out + 1] = c[2]
  out[#out + 1] = c[3]
end
local old, oldExp = load(key)
if old then
  -- Live here means held by this user (another user's would have conflicted); expired leases
  -- of anyone are simply replaced.
  if oldExp > now then out[2] = 1 end
  drop(key, old)
end
local exp = now + ttl
redis.call('HSET', P..'leases', key, json)
redis.call('ZADD', P..'exp', exp, key)
redis.call('SADD', P..'r:'..record, key)
redis.call('SADD', P..'t:'..tableId, key)
redis.call('SADD', P..'c:'..conn, key)
for _, k in ipairs({P..'leases', P..'exp', P..'r:'..record, P..'t:'..tableId, P..'c:'..conn}) do keep(k, life) end
out[3] = exp
return out
`);

/** ARGV: P, key, user ('' for anyone) → {} or {lease JSON, expiry}. */
const RELEASE = new LuaScript(`${COMMON}
local key, user = ARGV[2], ARGV[3]
local json, exp = load(key)
-- An expired lease is left for the sweep, which announces it.
if not json or exp <= now then return {} end
if user ~= '' and cjson.decode(json).user_id ~= user then return {} end
drop(key, json)
return {json, exp}
`);

/** ARGV: P, set key suffix ('' with a lock key in ARGV[3] for one lease) → flat {JSON, expiry, …}. */
const LIST = new LuaScript(`${COMMON}
if ARGV[2] == '' then return liveOf({ARGV[3]}) end
return liveOf(redis.call('SMEMBERS', P..ARGV[2]))
`);

/** ARGV: P, connection, ttl, grace. */
const REFRESH = new LuaScript(`${COMMON}
local conn, ttl = ARGV[2], tonumber(ARGV[3])
local keys = redis.call('SMEMBERS', P..'c:'..conn)
for _, key in ipairs(keys) do
  local json, exp = load(key)
  if json and exp > now then redis.call('ZADD', P..'exp', 'XX', now + ttl, key) end
end
if #keys > 0 then
  keep(P..'leases', ttl + tonumber(ARGV[4]))
  keep(P..'exp', ttl + tonumber(ARGV[4]))
  keep(P..'c:'..conn, ttl + tonumber(ARGV[4]))
end
return 0
`);

/**
 * ARGV: P, connection → flat {JSON, expiry, …}. Expired leases not yet swept are returned too:
 * nobody has announced their release yet, and after this nobody else will.
 */
const RELEASE_CONNECTION = new LuaScript(`${COMMON}
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', P..'c:'..ARGV[2])) do
  local json, exp = load(key)
  if json then
    drop(key, json)
    out[#out + 1] = json
    out[#out + 1] = exp
  end
end
return out
`);

/** ARGV: P, batch → flat {JSON, expiry, …} of the expired leases it deleted. */
const SWEEP = new LuaScript(`${COMMON}
local out = {}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', P..'exp', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))) do
  local json, exp = load(key)
  if json then
    drop(key, json)
    out[#out + 1] = json
    out[#out + 1] = exp
  else
    redis.call('ZREM', P..'exp', key)
  end
end
return out
`);

/** The lease as stored: everything but `expires_at`, which is the expiry score. */
type StoredLease = Omit<Lease, 'expires_at'>;

function toLease(json: string, expiry: unknown): Lease {
  const stored = JSON.parse(json) as StoredLease;
  return { ...stored, expires_at: new Date(Number(expiry)).toISOString() };
}

/** Reads a flat `[json, expiry, json, expiry, …]` script reply. */
function leases(reply: unknown, from = 0): Lease[] {
  const list = (reply ?? []) as unknown[];
  const out: Lease[] = [];
  for (let i = from; i + 1 < list.length; i += 2) out.push(toLease(String(list[i]), list[i + 1]));
  return out;
}

/**
 * Cell and row leases shared by every node through Redis. Expiry is judged by Redis's clock; the
 * leases of a node that died stop being refreshed, expire, and are returned by whichever node
 * sweeps first.
 */
export class RedisLockStore implements LockStore {
  readonly #client: Redis;
  readonly #prefix: string;

  /**
   * @param client a connection for commands (not in subscribe mode); not closed by `close`.
   * @param prefix the `REDIS_PREFIX`; keys go under `<prefix>lock:`.
   */
  constructor(client: Redis, prefix: string) {
    this.#client = client;
    this.#prefix = `${prefix}lock:`;
  }

  async acquire(request: LockRequest): Promise<AcquireResult> {
    const { holder } = request;
    const stored: StoredLease = {
      record_id: request.record_id,
      field_id: request.field_id,
      user_id: holder.user_id,
      name: holder.name,
      color: holder.color,
      table_id: request.table_id,
      connection: holder.connection,
    };
    const reply = (await ACQUIRE.run(this.#client, [
      this.#prefix,
      lockKey(request.record_id, request.field_id),
      request.table_id,
      request.record_id,
      request.field_id ?? '',
      holder.user_id,
      JSON.stringify(stored),
      holder.connection,
      request.ttlMs,
      request.force ? '1' : '0',
      KEY_GRACE_MS,
    ])) as unknown[];
    if (reply[0] === 0) return { ok: false, holder: toLease(String(reply[1]), reply[2]) };
    return { ok: true, lease: toLease(JSON.stringify(stored), reply[2]), renewed: reply[1] === 1, replaced: leases(reply, 3) };
  }

  async release(recordId: string, fieldId: string | null, userId: string | null): Promise<Lease | null> {
    return leases(await RELEASE.run(this.#client, [this.#prefix, lockKey(recordId, fieldId), userId ?? '']))[0] ?? null;
  }

  async get(recordId: string, fieldId: string | null): Promise<Lease | null> {
    return leases(await LIST.run(this.#client, [this.#prefix, '', lockKey(recordId, fieldId)]))[0] ?? null;
  }

  async listByRecord(recordId: string): Promise<Lease[]> {
    return leases(await LIST.run(this.#client, [this.#prefix, `r:${recordId}`]));
  }

  async listByTable(tableId: string): Promise<Lease[]> {
    return leases(await LIST.run(this.#client, [this.#prefix, `t:${tableId}`]));
  }

  async refreshConnection(connection: ConnectionKey, ttlMs: number): Promise<void> {
    await REFRESH.run(this.#client, [this.#prefix, connection, ttlMs, KEY_GRACE_MS]);
  }

  async releaseConnection(connection: ConnectionKey): Promise<Lease[]> {
    return leases(await RELEASE_CONNECTION.run(this.#client, [this.#prefix, connection]));
  }

  async sweep(): Promise<Lease[]> {
    return leases(await SWEEP.run(this.#client, [this.#prefix, SWEEP_BATCH]));
  }

  /** Nothing to release: the connection belongs to the backends, and leases are left to expire. */
  async close(): Promise<void> {}
}
