import type { PresenceEntry, PresenceStatus } from '@tandem/protocol';
import type { Redis } from 'ioredis';
import type { ConnectionKey, PresenceDeparture, PresenceStore, RemoveResult, RoomPresence, UpsertResult } from '../presence-store.ts';
import { KEY_GRACE_MS, LuaScript, SWEEP_BATCH } from './redis-scripts.ts';

/*
 * Keys, all under `<REDIS_PREFIX>presence:` (P):
 *   P e:<room>         hash   connection → entry JSON
 *   P n:<room>         hash   connection → upsert number (the newest entry of a user wins)
 *   P x:<room>         zset   connection → expiry (ms, Redis clock)
 *   P u:<user>:<room>  zset   connection → expiry, the user's connections in the room
 *   P c:<connection>   hash   room → user id, the rooms a connection is in
 *   P s:<user>         set    connections of the user that have entries
 *   P exp              zset   "<room>\n<connection>" → expiry, what `sweep` scans
 *   P seq              counter for upsert numbers
 * An entry is live while its expiry is in the future. Every change runs as one Lua script, so
 * nodes never see a half-done update.
 */

const COMMON = `
local function del(room, conn, user)
  redis.call('HDEL', P..'e:'..room, conn)
  redis.call('HDEL', P..'n:'..room, conn)
  redis.call('ZREM', P..'x:'..room, conn)
  redis.call('ZREM', P..'u:'..user..':'..room, conn)
  redis.call('HDEL', P..'c:'..conn, room)
  if redis.call('EXISTS', P..'c:'..conn) == 0 then redis.call('SREM', P..'s:'..user, conn) end
  redis.call('ZREM', P..'exp', room..'\\n'..conn)
end
local function liveCount(room, user)
  return redis.call('ZCOUNT', P..'u:'..user..':'..room, '('..now, '+inf')
end
-- Once a user has left a room, their expired leftovers go too, so a later sweep cannot report
-- the same departure a second time.
local function purge(room, user)
  local dead = redis.call('ZRANGEBYSCORE', P..'u:'..user..':'..room, '-inf', now)
  for _, c in ipairs(dead) do del(room, c, user) end
end
local function stamp(room, conn, user, exp, life)
  redis.call('ZADD', P..'x:'..room, exp, conn)
  redis.call('ZADD', P..'u:'..user..':'..room, exp, conn)
  redis.call('ZADD', P..'exp', exp, room..'\\n'..conn)
  keep(P..'e:'..room, life)
  keep(P..'n:'..room, life)
  keep(P..'x:'..room, life)
  keep(P..'u:'..user..':'..room, life)
  keep(P..'c:'..conn, life)
  keep(P..'s:'..user, life)
  keep(P..'exp', life)
end
`;

/** ARGV: P, room, connection, user, entry JSON, ttl, grace → 1 when the user joined. */
const UPSERT = new LuaScript(`${COMMON}
local room, conn, user, entry, ttl = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local prev = redis.call('HGET', P..'c:'..conn, room)
if prev and prev ~= user then del(room, conn, prev) end
local joined = liveCount(room, user) == 0
if joined then purge(room, user) end
redis.call('HSET', P..'e:'..room, conn, entry)
redis.call('HSET', P..'n:'..room, conn, redis.call('INCR', P..'seq'))
redis.call('HSET', P..'c:'..conn, room, user)
redis.call('SADD', P..'s:'..user, conn)
stamp(room, conn, user, now + ttl, ttl + tonumber(ARGV[7]))
if joined then return 1 end
return 0
`);

/** ARGV: P, room, connection → {} or {user, left}. */
const REMOVE = new LuaScript(`${COMMON}
local room, conn = ARGV[2], ARGV[3]
local user = redis.call('HGET', P..'c:'..conn, room)
if not user then return {} end
del(room, conn, user)
local left = liveCount(room, user) == 0
if left then purge(room, user) end
return {user, left and 1 or 0}
`);

/** ARGV: P, room → flat {entry JSON, upsert number, …} of live entries. */
const LIST = new LuaScript(`
local room = ARGV[2]
local out = {}
for _, conn in ipairs(redis.call('ZRANGEBYSCORE', P..'x:'..room, '('..now, '+inf')) do
  local entry = redis.call('HGET', P..'e:'..room, conn)
  if entry then
    out[#out + 1] = entry
    out[#out + 1] = redis.call('HGET', P..'n:'..room, conn) or '0'
  end
end
return out
`);

/** ARGV: P, connection, ttl, grace. */
const REFRESH = new LuaScript(`${COMMON}
local conn, ttl = ARGV[2], tonumber(ARGV[3])
local rooms = redis.call('HGETALL', P..'c:'..conn)
for i = 1, #rooms, 2 do
  local room, user = rooms[i], rooms[i + 1]
  local score = redis.call('ZSCORE', P..'x:'..room, conn)
  if score and tonumber(score) > now then stamp(room, conn, user, now + ttl, ttl + tonumber(ARGV[4])) end
end
return 0
`);

/** ARGV: P, connection → flat {room, user, …} the user left. */
const REMOVE_CONNECTION = new LuaScript(`${COMMON}
local conn = ARGV[2]
local rooms = redis.call('HGETALL', P..'c:'..conn)
local out = {}
for i = 1, #rooms, 2 do
  local room, user = rooms[i], rooms[i + 1]
  del(room, conn, user)
  if liveCount(room, user) == 0 then
    purge(room, user)
    out[#out + 1] = room
    out[#out + 1] = user
  end
end
return out
`);

/**
 * ARGV: P, batch → flat {room, user, …}. A departure is reported when the last entry of the user
 * in the room (live or expired) is deleted, which happens exactly once.
 */
const SWEEP = new LuaScript(`${COMMON}
local dead = redis.call('ZRANGEBYSCORE', P..'exp', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, member in ipairs(dead) do
  local cut = string.find(member, '\\n', 1, true)
  local room, conn = string.sub(member, 1, cut - 1), string.sub(member, cut + 1)
  local user = redis.call('HGET', P..'c:'..conn, room)
  if user then
    del(room, conn, user)
    if redis.call('ZCARD', P..'u:'..user..':'..room) == 0 then
      out[#out + 1] = room
      out[#out + 1] = user
    end
  else
    redis.call('ZREM', P..'exp', member)
  end
end
return out
`);

/** ARGV: P, user, status → flat {room, merged entry JSON, …} where something changed. */
const SET_STATUS = new LuaScript(`
local user, status = ARGV[2], ARGV[3]
local changed = {}
for _, conn in ipairs(redis.call('SMEMBERS', P..'s:'..user)) do
  local rooms = redis.call('HGETALL', P..'c:'..conn)
  for i = 1, #rooms, 2 do
    local room = rooms[i]
    local score = redis.call('ZSCORE', P..'x:'..room, conn)
    if rooms[i + 1] == user and score and tonumber(score) > now then
      local raw = redis.call('HGET', P..'e:'..room, conn)
      if raw then
        local entry = cjson.decode(raw)
        if entry.status ~= status then
          entry.status = status
          redis.call('HSET', P..'e:'..room, conn, cjson.encode(entry))
          changed[room] = true
        end
      end
    end
  end
end
local out = {}
for room in pairs(changed) do
  local conns = redis.call('ZRANGEBYSCORE', P..'u:'..user..':'..room, '('..now, '+inf')
  local best, bestN = nil, -1
  for _, conn in ipairs(conns) do
    local n = tonumber(redis.call('HGET', P..'n:'..room, conn) or '0')
    if n > bestN then best, bestN = conn, n end
  end
  if best then
    out[#out + 1] = room
    out[#out + 1] = redis.call('HGET', P..'e:'..room, best)
  end
end
return out
`);

/** Splits a script's flat reply `[a1, b1, a2, b2, …]` into pairs. */
function flatPairs(reply: unknown): [string, string][] {
  const list = (reply ?? []) as unknown[];
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([String(list[i]), String(list[i + 1])]);
  return out;
}

function departures(reply: unknown): PresenceDeparture[] {
  return flatPairs(reply).map(([room, userId]) => ({ room, userId }));
}

/** Orders a room's list as the contract says: by `since`, then user id. */
function bySinceThenUser(a: PresenceEntry, b: PresenceEntry): number {
  if (a.since !== b.since) return a.since < b.since ? -1 : 1;
  return a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0;
}

/**
 * Presence shared by every node through Redis. Expiry is judged by Redis's clock; nodes keep
 * their connections' entries alive with `refresh`, and the entries of a node that died expire
 * and are reported by whichever node sweeps first.
 */
export class RedisPresenceStore implements PresenceStore {
  readonly #client: Redis;
  readonly #prefix: string;

  /**
   * @param client a connection for commands (not in subscribe mode); not closed by `close`.
   * @param prefix the `REDIS_PREFIX`; keys go under `<prefix>presence:`.
   */
  constructor(client: Redis, prefix: string) {
    this.#client = client;
    this.#prefix = `${prefix}presence:`;
  }

  async upsert(room: string, connection: ConnectionKey, entry: PresenceEntry, ttlMs: number): Promise<UpsertResult> {
    const joined = await UPSERT.run(this.#client, [this.#prefix, room, connection, entry.user_id, JSON.stringify(entry), ttlMs, KEY_GRACE_MS]);
    // The entry just written is the user's newest, so it is also their merged entry.
    return { joined: joined === 1, entry };
  }

  async remove(room: string, connection: ConnectionKey): Promise<RemoveResult> {
    const result = (await REMOVE.run(this.#client, [this.#prefix, room, connection])) as [string, number] | [];
    if (result.length === 0) return { userId: null, left: false };
    return { userId: result[0], left: result[1] === 1 };
  }

  async list(room: string): Promise<PresenceEntry[]> {
    const newest = new Map<string, { entry: PresenceEntry; n: number }>();
    for (const [json, order] of flatPairs(await LIST.run(this.#client, [this.#prefix, room]))) {
      const entry = JSON.parse(json) as PresenceEntry;
      const n = Number(order);
      const seen = newest.get(entry.user_id);
      if (!seen || n > seen.n) newest.set(entry.user_id, { entry, n });
    }
    return [...newest.values()].map((v) => v.entry).sort(bySinceThenUser);
  }

  async usersIn(room: string): Promise<string[]> {
    return (await this.list(room)).map((entry) => entry.user_id);
  }

  async refresh(connection: ConnectionKey, ttlMs: number): Promise<void> {
    await REFRESH.run(this.#client, [this.#prefix, connection, ttlMs, KEY_GRACE_MS]);
  }

  async removeConnection(connection: ConnectionKey): Promise<PresenceDeparture[]> {
    return departures(await REMOVE_CONNECTION.run(this.#client, [this.#prefix, connection]));
  }

  async sweep(): Promise<PresenceDeparture[]> {
    return departures(await SWEEP.run(this.#client, [this.#prefix, SWEEP_BATCH]));
  }

  async setStatus(userId: string, status: PresenceStatus): Promise<RoomPresence[]> {
    const rows = flatPairs(await SET_STATUS.run(this.#client, [this.#prefix, userId, status]));
    return rows.map(([room, json]) => ({ room, entry: JSON.parse(json) as PresenceEntry }));
  }

  /** Nothing to release: the connection belongs to the backends, and entries are left to expire. */
  async close(): Promise<void> {}
}
