import type { Queryable } from '../db/database.ts';

const FRESH_MS = 5_000;

/**
 * Answers "is this user an owner or admin (of any workspace, or of this one)?" synchronously for
 * the per-second sends to the `system` room, from answers read at most `FRESH_MS` ago. An unknown
 * user is answered "no" while the first read runs, so nobody sees figures before the database
 * said they may; a demoted admin stops receiving them within a few seconds.
 */
export class OperatorCache {
  readonly #known = new Map<string, { value: boolean; at: number }>();
  readonly #reading = new Set<string>();

  constructor(private readonly db: Queryable) {}

  /** Owner or admin of at least one workspace. */
  isOperator(userId: string): boolean {
    return this.#answer(userId, null);
  }

  /** Owner or admin of `workspaceId`, read now unless known from the last few seconds (for one-off sends such as `alert`). */
  async checkAdminOf(userId: string, workspaceId: string): Promise<boolean> {
    const key = `${workspaceId}/${userId}`;
    const known = this.#known.get(key);
    if (known && Date.now() - known.at <= FRESH_MS) return known.value;
    const value = (await this.#read(userId, workspaceId)).length > 0;
    this.#known.set(key, { value, at: Date.now() });
    return value;
  }

  #read(userId: string, workspaceId: string | null) {
    return this.db.query(`SELECT 1 FROM members WHERE user_id = $1 AND role IN ('owner','admin') AND ($2::uuid IS NULL OR workspace_id = $2::uuid) LIMIT 1`, [
      userId,
      workspaceId,
    ]);
  }

  #answer(userId: string, workspaceId: string | null): boolean {
    const key = `${workspaceId ?? '*'}/${userId}`;
    const known = this.#known.get(key);
    if ((!known || Date.now() - known.at > FRESH_MS) && !this.#reading.has(key)) {
      this.#reading.add(key);
      this.#read(userId, workspaceId)
        .then((rows) => this.#known.set(key, { value: rows.length > 0, at: Date.now() }))
        .catch(() => undefined)
        .finally(() => this.#reading.delete(key));
    }
    return known?.value ?? false;
  }
}
