import type { Connection } from './connection.ts';

/** The open connections of this node, by id and by user. */
export class ConnectionRegistry {
  readonly #byId = new Map<string, Connection>();
  readonly #byUser = new Map<string, Set<Connection>>();

  /** Total open connections. */
  get size(): number {
    return this.#byId.size;
  }

  /** Every open connection. */
  values(): IterableIterator<Connection> {
    return this.#byId.values();
  }

  /** Open connections of one user (a copy: safe to close them while iterating). */
  ofUser(userId: string): Connection[] {
    return [...(this.#byUser.get(userId) ?? [])];
  }

  /** How many connections the user holds open. */
  countOf(userId: string): number {
    return this.#byUser.get(userId)?.size ?? 0;
  }

  /** Adds a newly opened connection. */
  add(conn: Connection): void {
    this.#byId.set(conn.id, conn);
    const mine = this.#byUser.get(conn.userId) ?? new Set();
    mine.add(conn);
    this.#byUser.set(conn.userId, mine);
  }

  /** Forgets a closed connection. */
  remove(conn: Connection): void {
    this.#byId.delete(conn.id);
    const mine = this.#byUser.get(conn.userId);
    mine?.delete(conn);
    if (mine?.size === 0) this.#byUser.delete(conn.userId);
  }
}
