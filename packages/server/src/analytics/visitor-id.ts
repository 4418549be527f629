import { hash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { utcDay } from './rollups.ts';

/**
 * The cookieless visitor id: a hash of the site, the anonymised IP address, the User-Agent and a
 * random salt of the UTC day. Every node reads the same salt from the database; salts are deleted
 * two days later, so ids of different days (or different sites) cannot be linked by anyone, the
 * operator included.
 */
export class VisitorIds {
  readonly #salts = new Map<string, Promise<Buffer>>();

  constructor(private readonly db: Queryable) {}

  /** The visitor id of a request; reads (or creates) the day's salt once per node per day. */
  async idOf(siteId: string, anonymisedIp: string, userAgent: string, at: Date): Promise<string> {
    const salt = await this.#saltOf(utcDay(at));
    // One buffer hashed in one call (the same bytes as feeding the parts one by one, so ids are unchanged).
    const input = Buffer.concat([salt, Buffer.from(`${siteId}\0${anonymisedIp}\0${userAgent}`)]);
    return hash('sha256', input, 'hex').slice(0, 32);
  }

  #saltOf(day: string): Promise<Buffer> {
    const known = this.#salts.get(day);
    if (known) return known;
    if (this.#salts.size > 4) this.#salts.clear();
    const loading = this.#loadSalt(day);
    this.#salts.set(day, loading);
    loading.catch(() => this.#salts.delete(day));
    return loading;
  }

  async #loadSalt(day: string): Promise<Buffer> {
    await this.db.query("INSERT INTO analytics_salts (day, salt) VALUES ($1, decode($2, 'hex')) ON CONFLICT (day) DO NOTHING", [
      day,
      randomBytes(32).toString('hex'),
    ]);
    const [row] = await this.db.query<{ salt: string }>("SELECT encode(salt, 'hex') AS salt FROM analytics_salts WHERE day = $1", [day]);
    if (!row) throw new Error(`analytics: no salt for ${day}`);
    return Buffer.from(row.salt, 'hex');
  }

  /** Deletes salts older than yesterday (the daily clean-up). */
  async forgetOld(now: Date): Promise<void> {
    const yesterday = utcDay(new Date(now.getTime() - 86_400_000));
    await this.db.query('DELETE FROM analytics_salts WHERE day < $1', [yesterday]);
    for (const day of this.#salts.keys()) if (day < yesterday) this.#salts.delete(day);
  }
}
