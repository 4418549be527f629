import { randomBytes, randomUUID } from 'node:crypto';
import { type AnalyticsSite, type CreateSiteInput, createSiteSchema, roleAtLeast, type UpdateSiteInput, updateSiteSchema } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import { TtlCache } from '../cache/ttl-cache.ts';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import type { Access } from '../workspaces/access.ts';

interface SiteRow {
  id: string;
  workspace_id: string;
  name: string;
  domains: string[];
  site_key: string;
  respect_dnt: boolean;
  tracks_app: boolean;
  created_at: Date;
}

const SITE_SELECT = 'SELECT id, workspace_id, name, domains, site_key, respect_dnt, tracks_app, created_at FROM analytics_sites';

/** How long a node trusts what it read of a site key (beacons look it up on every request). */
const SITE_KEY_CACHE_MS = 10_000;

function toSite(row: SiteRow): AnalyticsSite {
  return { ...row, created_at: row.created_at.toISOString() };
}

/** A site key: public, unguessable enough that nobody fills another's site by accident. */
function newSiteKey(): string {
  return `ts_${randomBytes(12).toString('base64url')}`;
}

/**
 * The sites a workspace tracks and who may read their analytics: owners and admins always, other
 * members when an admin granted them access. Readers of another workspace get `not_found`, as for
 * every other entity.
 */
export class SiteService {
  readonly #byKey = new TtlCache<string, AnalyticsSite | null>(SITE_KEY_CACHE_MS, 10_000);
  /** Site keys being read now: the beacons that arrive meanwhile wait for the same read. */
  readonly #loadingKeys = new Map<string, Promise<AnalyticsSite | null>>();

  constructor(
    private readonly db: Queryable,
    private readonly access: Access,
  ) {}

  /** Whether a user may read the workspace's analytics (admins and granted members). */
  async canRead(userId: string, workspaceId: string): Promise<boolean> {
    const role = await this.access.roleIn(userId, workspaceId);
    if (!role) return false;
    if (roleAtLeast(role, 'admin')) return true;
    const [row] = await this.db.query('SELECT 1 FROM analytics_access WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
    return row !== undefined;
  }

  async #requireWorkspaceReader(auth: AuthInfo, workspaceId: string): Promise<void> {
    await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    if (!(await this.canRead(auth.user.id, workspaceId))) throw errors.forbidden('Analytics are for admins and members an admin granted access.');
  }

  /** The site, when the caller may read its analytics. */
  async requireReader(auth: AuthInfo, siteId: string): Promise<AnalyticsSite> {
    const site = await this.#find(siteId);
    if (!site || (await this.access.roleIn(auth.user.id, site.workspace_id)) === null) throw errors.notFound('Site');
    await this.#requireWorkspaceReader(auth, site.workspace_id);
    return site;
  }

  async #requireAdmin(auth: AuthInfo, siteId: string): Promise<AnalyticsSite> {
    const site = await this.#find(siteId);
    if (!site || (await this.access.roleIn(auth.user.id, site.workspace_id)) === null) throw errors.notFound('Site');
    await this.access.require(auth, 'workspace', site.workspace_id, 'admin');
    return site;
  }

  async #find(siteId: string): Promise<AnalyticsSite | null> {
    const [row] = await this.db.query<SiteRow>(`${SITE_SELECT} WHERE id = $1`, [siteId]);
    return row ? toSite(row) : null;
  }

  /** The workspace's sites, oldest first. */
  async list(auth: AuthInfo, workspaceId: string): Promise<AnalyticsSite[]> {
    await this.#requireWorkspaceReader(auth, workspaceId);
    return (await this.db.query<SiteRow>(`${SITE_SELECT} WHERE workspace_id = $1 ORDER BY created_at, id`, [workspaceId])).map(toSite);
  }

  /** Registers a site (admins). */
  async create(auth: AuthInfo, workspaceId: string, input: CreateSiteInput): Promise<AnalyticsSite> {
    await this.access.require(auth, 'workspace', workspaceId, 'admin');
    const valid = createSiteSchema.parse(input);
    if (valid.tracks_app) await this.db.query('UPDATE analytics_sites SET tracks_app = false WHERE workspace_id = $1 AND tracks_app', [workspaceId]);
    const [row] = await this.db.query<SiteRow>(
      `INSERT INTO analytics_sites (id, workspace_id, name, domains, site_key, respect_dnt, tracks_app, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING id, workspace_id, name, domains, site_key, respect_dnt, tracks_app, created_at`,
      [randomUUID(), workspaceId, valid.name, [...new Set(valid.domains)], newSiteKey(), valid.respect_dnt, valid.tracks_app, auth.user.id],
    );
    return toSite(row as SiteRow);
  }

  /** Changes a site's name, domains or settings (admins). */
  async update(auth: AuthInfo, siteId: string, input: UpdateSiteInput): Promise<AnalyticsSite> {
    const site = await this.#requireAdmin(auth, siteId);
    const valid = updateSiteSchema.parse(input);
    if (valid.tracks_app)
      await this.db.query('UPDATE analytics_sites SET tracks_app = false WHERE workspace_id = $1 AND tracks_app AND id <> $2', [site.workspace_id, siteId]);
    const [row] = await this.db.query<SiteRow>(
      `UPDATE analytics_sites SET
         name = COALESCE($2, name), domains = COALESCE($3, domains),
         respect_dnt = COALESCE($4, respect_dnt), tracks_app = COALESCE($5, tracks_app)
       WHERE id = $1
       RETURNING id, workspace_id, name, domains, site_key, respect_dnt, tracks_app, created_at`,
      [siteId, valid.name ?? null, valid.domains ? [...new Set(valid.domains)] : null, valid.respect_dnt ?? null, valid.tracks_app ?? null],
    );
    if (!row) throw errors.notFound('Site');
    this.#forgetKey(site.site_key);
    return toSite(row);
  }

  /** Deletes a site with all its raw data and rollups (admins). */
  async remove(auth: AuthInfo, siteId: string): Promise<void> {
    const site = await this.#requireAdmin(auth, siteId);
    await this.db.query('DELETE FROM analytics_sites WHERE id = $1', [siteId]);
    this.#forgetKey(site.site_key);
  }

  /** The site a beacon names by its public key; cached for a few seconds. */
  async bySiteKey(siteKey: string): Promise<AnalyticsSite | null> {
    const known = this.#byKey.get(siteKey);
    if (known !== undefined) return known;
    // When the entry expires under a beacon load, hundreds of beacons miss at once; one read serves them.
    let loading = this.#loadingKeys.get(siteKey);
    if (!loading) {
      loading = this.#readSiteKey(siteKey);
      this.#loadingKeys.set(siteKey, loading);
      const started = loading;
      const done = () => {
        if (this.#loadingKeys.get(siteKey) === started) this.#loadingKeys.delete(siteKey);
      };
      loading.then(done, done);
    }
    return loading;
  }

  /** A changed or deleted site: beacons from now on read it anew (a read in progress is not joined). */
  #forgetKey(siteKey: string): void {
    this.#byKey.delete(siteKey);
    this.#loadingKeys.delete(siteKey);
  }

  async #readSiteKey(siteKey: string): Promise<AnalyticsSite | null> {
    const stamp = this.#byKey.stamp();
    const [row] = await this.db.query<SiteRow>(`${SITE_SELECT} WHERE site_key = $1`, [siteKey]);
    const site = row ? toSite(row) : null;
    this.#byKey.set(siteKey, site, undefined, stamp);
    return site;
  }

  /** The key of the site that tracks the Tandem web app of this workspace, for any member. */
  async appSiteKey(auth: AuthInfo, workspaceId: string): Promise<string | null> {
    await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    const [row] = await this.db.query<{ site_key: string }>('SELECT site_key FROM analytics_sites WHERE workspace_id = $1 AND tracks_app', [workspaceId]);
    return row?.site_key ?? null;
  }

  /** Members below admin who were granted analytics access. */
  async grants(auth: AuthInfo, workspaceId: string): Promise<string[]> {
    await this.access.require(auth, 'workspace', workspaceId, 'admin');
    const rows = await this.db.query<{ user_id: string }>('SELECT user_id FROM analytics_access WHERE workspace_id = $1 ORDER BY granted_at, user_id', [
      workspaceId,
    ]);
    return rows.map((r) => r.user_id);
  }

  /** Lets a member read the workspace's analytics (admins). */
  async grant(auth: AuthInfo, workspaceId: string, userId: string): Promise<void> {
    await this.access.require(auth, 'workspace', workspaceId, 'admin');
    if ((await this.access.roleIn(userId, workspaceId)) === null) throw errors.notFound('Member');
    await this.db.query('INSERT INTO analytics_access (workspace_id, user_id, granted_by) VALUES ($1, $2, $3) ON CONFLICT (workspace_id, user_id) DO NOTHING', [
      workspaceId,
      userId,
      auth.user.id,
    ]);
  }

  /** Takes a member's analytics access away (admins). */
  async revoke(auth: AuthInfo, workspaceId: string, userId: string): Promise<void> {
    await this.access.require(auth, 'workspace', workspaceId, 'admin');
    await this.db.query('DELETE FROM analytics_access WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
  }
}
