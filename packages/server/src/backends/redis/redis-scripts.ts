import type { Redis } from 'ioredis';
import { errors } from '../../errors/app-error.ts';

/**
 * Lua run at the top of every store script: `P` is the key prefix (ARGV[1]) and `now` is Redis's
 * clock in ms, so every node judges expiry by the same clock however far apart their own drift.
 * `keep` stretches a key's own TTL so the data of a cluster that went away entirely is collected.
 */
export const LUA_PRELUDE = `
local P = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function keep(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end
`;

/** How long keys outlive the newest expiry they hold: enough for a sweep by any surviving node. */
export const KEY_GRACE_MS = 10 * 60_000;

/** Entries or leases one sweep call handles at most, so one call never blocks Redis for long. */
export const SWEEP_BATCH = 1000;

/** A Lua script run by SHA, loaded again when Redis answers NOSCRIPT (after a restart or flush). */
export class LuaScript {
  readonly #source: string;
  #sha: string | null = null;

  constructor(body: string) {
    this.#source = `${LUA_PRELUDE}\n${body}`;
  }

  /**
   * Runs the script with no KEYS (all keys derive from the prefix in ARGV[1]) and these ARGV.
   * Rejects with `unavailable` when the connection cannot carry it (Redis down or the link lost
   * mid-command), so callers answer 503 instead of 500.
   */
  async run(client: Redis, args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await this.#run(client, args);
    } catch (err) {
      if (client.status !== 'ready') throw errors.unavailable('Redis is unreachable; try again shortly.');
      throw err;
    }
  }

  async #run(client: Redis, args: readonly (string | number)[]): Promise<unknown> {
    if (this.#sha) {
      try {
        return await client.evalsha(this.#sha, 0, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      }
    }
    this.#sha = (await client.script('LOAD', this.#source)) as string;
    return client.evalsha(this.#sha, 0, ...args);
  }
}
