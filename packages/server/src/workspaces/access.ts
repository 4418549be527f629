import { parseRoom, type Role, roleAtLeast } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import { TtlCache } from '../cache/ttl-cache.ts';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';

/** The workspace an entity belongs to and the caller's role there. */
export interface Scope {
  readonly workspaceId: string;
  readonly tableId: string | null;
  readonly role: Role;
}

/** Kinds of entity whose workspace can be looked up. */
export type EntityKind = 'workspace' | 'table' | 'field' | 'view' | 'record';

const SCOPE_SQL: Record<EntityKind, string> = {
  workspace: `SELECT w.id AS workspace_id, NULL::uuid AS table_id FROM workspaces w WHERE w.id = $1`,
  table: `SELECT t.workspace_id, t.id AS table_id FROM tables t WHERE t.id = $1`,
  field: `SELECT t.workspace_id, t.id AS table_id FROM fields f JOIN tables t ON t.id = f.table_id WHERE f.id = $1`,
  view: `SELECT t.workspace_id, t.id AS table_id FROM views v JOIN tables t ON t.id = v.table_id WHERE v.id = $1`,
  record: `SELECT t.workspace_id, t.id AS table_id FROM records r JOIN tables t ON t.id = r.table_id WHERE r.id = $1`,
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CACHED = 100_000;

/** Where an entity lives; fixed for as long as the entity exists. */
interface Placement {
  readonly workspaceId: string;
  readonly tableId: string | null;
}

/**
 * Membership and role checks, used by every REST route and every room subscription.
 * A caller who is not a member of the entity's workspace gets `not_found`, exactly as if the
 * entity did not exist, so ids in other workspaces leak nothing.
 *
 * Both facts a check needs are remembered for `cacheMs`: an entity's workspace (which never
 * changes while it exists) and a member's role. Only memberships are cached, never their
 * absence, so a new member is let in at once; a role change or removal calls
 * {@link Access.forgetMember} on every node. A cached placement of a deleted entity only lets
 * the caller reach the service, which then finds nothing and answers `not_found`.
 */
export class Access {
  readonly #placements: TtlCache<string, Placement>;
  readonly #roles: TtlCache<string, Role>;

  constructor(
    private readonly db: Queryable,
    cacheMs = 0,
  ) {
    this.#placements = new TtlCache(cacheMs, MAX_CACHED);
    this.#roles = new TtlCache(cacheMs, MAX_CACHED);
  }

  /** Drops what this node remembers of a user's role in a workspace (it changed, or they left). */
  forgetMember(workspaceId: string, userId: string): void {
    this.#roles.delete(roleKey(workspaceId, userId));
  }

  /** Drops what this node remembers of a deleted entity's placement (for a table: also of everything in it). */
  forgetEntity(kind: EntityKind, id: string): void {
    this.#placements.delete(`${kind}:${id}`);
    if (kind === 'table') this.#placements.deleteWhere((placement) => placement.tableId === id);
  }

  /** The caller's role in a workspace, or null when not a member. */
  async roleIn(userId: string, workspaceId: string): Promise<Role | null> {
    const key = roleKey(workspaceId, userId);
    const known = this.#roles.get(key);
    if (known) return known;
    const stamp = this.#roles.stamp();
    const [row] = await this.db.query<{ role: Role }>('SELECT role FROM members WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
    if (row) this.#roles.set(key, row.role, undefined, stamp);
    return row?.role ?? null;
  }

  /** Finds the entity's workspace and checks the caller holds at least `min` there. */
  async require(auth: AuthInfo, kind: EntityKind, id: string, min: Role, what = kind): Promise<Scope> {
    const scope = await this.scopeOf(auth.user.id, kind, id);
    if (!scope) throw errors.notFound(capitalise(what));
    if (!roleAtLeast(scope.role, min)) throw errors.forbidden(`Your role (${scope.role}) cannot do this; it needs ${min} or above.`);
    return scope;
  }

  /** The entity's workspace and the user's role there; null when missing or not a member. */
  async scopeOf(userId: string, kind: EntityKind, id: string): Promise<Scope | null> {
    if (!UUID_RE.test(id)) return null;
    const placement = this.#placements.get(`${kind}:${id}`);
    if (placement) {
      const role = await this.roleIn(userId, placement.workspaceId);
      return role ? { ...placement, role } : null;
    }
    const roleStamp = this.#roles.stamp();
    const placementStamp = this.#placements.stamp();
    const [row] = await this.db.query<{ workspace_id: string; table_id: string | null; role: Role | null }>(
      `SELECT s.workspace_id, s.table_id, m.role FROM (${SCOPE_SQL[kind]}) s
       LEFT JOIN members m ON m.workspace_id = s.workspace_id AND m.user_id = $2`,
      [id, userId],
    );
    if (!row) return null;
    this.#placements.set(`${kind}:${id}`, { workspaceId: row.workspace_id, tableId: row.table_id }, undefined, placementStamp);
    if (!row.role) return null;
    this.#roles.set(roleKey(row.workspace_id, userId), row.role, undefined, roleStamp);
    return { workspaceId: row.workspace_id, tableId: row.table_id, role: row.role };
  }

  /**
   * Whether a user may read a room: members (any role) for workspace, table and record rooms;
   * only the user themself for `user:{id}`; everyone for `system`. Chat rooms are checked by the
   * chat module through `extraRoomCheck`.
   */
  async canReadRoom(userId: string, room: string, extraRoomCheck?: (userId: string, kind: string, id: string) => Promise<boolean>): Promise<boolean> {
    const ref = parseRoom(room);
    if (!ref) return false;
    if (ref.kind === 'system') return true;
    if (ref.kind === 'user') return ref.id === userId;
    if (ref.kind === 'workspace' || ref.kind === 'table' || ref.kind === 'record') {
      return (await this.scopeOf(userId, ref.kind, ref.id ?? '')) !== null;
    }
    return extraRoomCheck ? extraRoomCheck(userId, ref.kind, ref.id ?? '') : false;
  }
}

function roleKey(workspaceId: string, userId: string): string {
  return `${workspaceId}/${userId}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
