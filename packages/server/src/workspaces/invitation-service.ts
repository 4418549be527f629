import { randomUUID } from 'node:crypto';
import type { InvitationInfo, InvitationPreview, InviteResult, MemberInfo, Role } from '@tandem/protocol';
import type { AuthInfo, AuthService } from '../auth/auth-service.ts';
import { hashSecret, newSecret } from '../auth/tokens.ts';
import type { PublicUser } from '../auth/users.ts';
import type { AppContext } from '../context.ts';
import type { Transaction } from '../db/database.ts';
import { type AppError, errors } from '../errors/app-error.ts';
import type { Mailer } from '../notifications/mailer.ts';
import type { Access } from './access.ts';
import type { WorkspaceService } from './workspace-service.ts';

/** Why an invitation link no longer works, as `details.reason` of the `invalid_input` error. */
export type InvitationRefusal = 'unknown' | 'expired' | 'revoked' | 'used';

const REFUSALS: Record<InvitationRefusal, string> = {
  unknown: 'This invitation link is not valid; check that it was copied whole.',
  expired: 'This invitation has expired; ask a workspace admin for a new one.',
  revoked: 'This invitation was withdrawn; ask a workspace admin for a new one.',
  used: 'This invitation has already been used; log in instead.',
};

function refused(reason: InvitationRefusal): AppError {
  return errors.invalid(REFUSALS[reason], { field: 'token', reason });
}

/** The member an accepted invitation made, and where. */
interface Joined {
  readonly member: MemberInfo;
  readonly workspaceId: string;
}

interface InvitationRow {
  readonly id: string;
  readonly workspace_id: string;
  readonly workspace_name: string;
  readonly email: string;
  readonly role: Role;
  readonly inviter_name: string | null;
  readonly expires_at: Date;
  readonly accepted_at: Date | null;
  readonly revoked_at: Date | null;
}

const SELECT_INVITATION = `SELECT i.id, i.workspace_id, w.name AS workspace_name, i.email, i.role, u.name AS inviter_name,
  i.expires_at, i.accepted_at, i.revoked_at
  FROM workspace_invitations i JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN users u ON u.id = i.invited_by`;

/**
 * Invitations by email: an admin invites an address without an account; the link in the email
 * (its token stored only as a SHA-256) registers the invitee into the workspace with the invited
 * role, once, before it expires (`INVITATION_TTL_DAYS`) or is revoked. An address that already has
 * an account is added at once instead.
 */
export class InvitationService {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
    private readonly auth: AuthService,
    private readonly workspaces: WorkspaceService,
    private readonly mailer: Mailer,
  ) {}

  /** Invites `email` with `role` (admins; owners for `owner`) and emails the link, or adds an existing account. */
  async invite(auth: AuthInfo, workspaceId: string, email: string, role: Role): Promise<InviteResult> {
    const scope = await this.access.require(auth, 'workspace', workspaceId, 'admin');
    if (role === 'owner' && scope.role !== 'owner') throw errors.forbidden('Only an owner can invite another owner.');
    const address = email.trim();
    const [existing] = await this.ctx.db.query<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [address]);
    if (existing) return { status: 'added', member: await this.workspaces.addMember(auth, workspaceId, address, role) };

    const token = newSecret('tdi');
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + this.ctx.config.invitationTtlDays * 24 * 3600_000);
    const { invitation, workspaceName } = await this.ctx.db.transaction(async (tx) => {
      // A new invitation to the same address replaces the open one, whose link stops working.
      await tx.query(
        `UPDATE workspace_invitations SET revoked_at = clock_timestamp()
         WHERE workspace_id = $1 AND lower(email) = lower($2) AND accepted_at IS NULL AND revoked_at IS NULL`,
        [workspaceId, address],
      );
      await tx.query(
        'INSERT INTO workspace_invitations (id, workspace_id, email, role, token_hash, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [id, workspaceId, address, role, hashSecret(token), auth.user.id, expiresAt],
      );
      const [row] = await tx.query<InvitationInfo & { workspace_name: string }>(
        `SELECT i.id, i.workspace_id, i.email, i.role, i.created_at, i.expires_at, w.name AS workspace_name,
           CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name) END AS invited_by
         FROM workspace_invitations i JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN users u ON u.id = i.invited_by WHERE i.id = $1`,
        [id],
      );
      if (!row) throw errors.notFound('Invitation');
      const { workspace_name, ...invitation } = row;
      return { invitation, workspaceName: workspace_name };
    });

    const link = `${this.ctx.publicOrigin()}/invite/${token}`;
    try {
      await this.mailer.send({
        to: address,
        subject: `${auth.user.name} invited you to ${workspaceName} on Tandem`,
        text:
          `Hello,\n\n${auth.user.name} invited you to join the workspace "${workspaceName}" on Tandem as ${role}.\n\n` +
          `Create your account through this link:\n\n${link}\n\n` +
          `The link works once and expires on ${expiresAt.toISOString().slice(0, 10)}. If you did not expect it, ignore this email.\n`,
      });
    } catch (err) {
      // An invitation nobody received would only block the next one: withdraw it and say so.
      this.ctx.log.warn({ err, workspace: workspaceId }, 'invitation email failed');
      await this.ctx.db.query('UPDATE workspace_invitations SET revoked_at = clock_timestamp() WHERE id = $1', [id]);
      throw errors.unavailable('The invitation email could not be sent; try again later.');
    }
    return { status: 'invited', invitation };
  }

  /** Pending invitations of a workspace (admins): not used, revoked or expired; newest first. */
  async pending(auth: AuthInfo, workspaceId: string): Promise<InvitationInfo[]> {
    await this.access.require(auth, 'workspace', workspaceId, 'admin');
    return this.ctx.db.query<InvitationInfo>(
      `SELECT i.id, i.workspace_id, i.email, i.role, i.created_at, i.expires_at,
         CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name) END AS invited_by
       FROM workspace_invitations i LEFT JOIN users u ON u.id = i.invited_by
       WHERE i.workspace_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > clock_timestamp()
       ORDER BY i.created_at DESC, i.id`,
      [workspaceId],
    );
  }

  /** Withdraws a pending invitation (admins); its link stops working. `not_found` unless pending in this workspace. */
  async revoke(auth: AuthInfo, workspaceId: string, invitationId: string): Promise<void> {
    await this.access.require(auth, 'workspace', workspaceId, 'admin');
    const rows = await this.ctx.db.query(
      `UPDATE workspace_invitations SET revoked_at = clock_timestamp()
       WHERE id = $1 AND workspace_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id`,
      [invitationId, workspaceId],
    );
    if (rows.length === 0) throw errors.notFound('Invitation');
  }

  /** What the link is for, shown before registering; the refusal reason when it no longer works. */
  async preview(token: string): Promise<InvitationPreview> {
    const row = usable(await this.#byToken(this.ctx.db, token, false));
    return {
      workspace: { id: row.workspace_id, name: row.workspace_name },
      email: row.email,
      role: row.role,
      invited_by: row.inviter_name,
      expires_at: row.expires_at.toISOString(),
    };
  }

  /**
   * Creates the invitee's account (with the invited address) and makes them a member, in one
   * transaction: a refused link creates no account, and two uses of one link cannot both succeed.
   */
  async register(token: string, input: { name: string; password: string }): Promise<{ user: PublicUser; member: MemberInfo }> {
    // Checked first so a dead link is refused before the password is hashed; checked again, locked, below.
    const { email } = usable(await this.#byToken(this.ctx.db, token, false));
    let joined: Joined | undefined;
    const user = await this.auth.register({ email, ...input }, async (tx, created) => {
      joined = await this.#consume(tx, token, created);
    });
    if (!joined) throw errors.notFound('Invitation');
    await this.workspaces.announceMembership(joined.workspaceId, user.id);
    return { user, member: joined.member };
  }

  /** Accepts the invitation as the logged-in user whose address it was sent to (who registered meanwhile). */
  async accept(auth: AuthInfo, token: string): Promise<MemberInfo> {
    const joined = await this.ctx.db.transaction((tx) => this.#consume(tx, token, auth.user));
    await this.workspaces.announceMembership(joined.workspaceId, auth.user.id);
    return joined.member;
  }

  /** Marks the invitation used by `user` and makes them a member, inside `tx` (the row locked). */
  async #consume(tx: Transaction, token: string, user: PublicUser): Promise<Joined> {
    const row = usable(await this.#byToken(tx, token, true));
    if (row.email.toLowerCase() !== user.email.toLowerCase()) throw errors.forbidden('This invitation was sent to another email address.');
    await tx.query('UPDATE workspace_invitations SET accepted_at = clock_timestamp(), accepted_by = $2 WHERE id = $1', [row.id, user.id]);
    const member = await this.workspaces.addMemberIn(tx, { id: user.id, name: user.name }, row.workspace_id, user.id, row.role);
    return { member, workspaceId: row.workspace_id };
  }

  async #byToken(db: Pick<Transaction, 'query'>, token: string, lock: boolean): Promise<InvitationRow | undefined> {
    const [row] = await db.query<InvitationRow>(`${SELECT_INVITATION} WHERE i.token_hash = $1${lock ? ' FOR UPDATE OF i' : ''}`, [hashSecret(token)]);
    return row;
  }
}

/** The invitation when its link still works; otherwise the `invalid_input` error naming why. */
function usable(row: InvitationRow | undefined): InvitationRow {
  if (!row) throw refused('unknown');
  if (row.accepted_at) throw refused('used');
  if (row.revoked_at) throw refused('revoked');
  if (row.expires_at.getTime() <= Date.now()) throw refused('expired');
  return row;
}
