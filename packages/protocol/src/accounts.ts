import type { Role } from './domain.ts';

/** A user as other users see them (REST bodies, presence, mentions). */
export interface UserInfo {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  /** Stable colour for the avatar, cursor and locks. */
  readonly color: string;
}

/** A workspace the current user belongs to, with their role in it. */
export interface WorkspaceSummary {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

/** `GET /me` and `GET /auth/session` when logged in. */
export interface MeInfo {
  readonly user: UserInfo;
  readonly workspaces: readonly WorkspaceSummary[];
}

/** A workspace member, as `GET /workspaces/{id}/members` and the `member_*` events carry it. */
export interface MemberInfo {
  readonly user_id: string;
  readonly email: string;
  readonly name: string;
  readonly color: string;
  readonly role: Role;
  readonly joined_at: string;
}

/** A pending invitation by email, as `GET /workspaces/{id}/invitations` lists it (admins). */
export interface InvitationInfo {
  readonly id: string;
  readonly workspace_id: string;
  readonly email: string;
  readonly role: Role;
  readonly invited_by: { readonly id: string; readonly name: string } | null;
  readonly created_at: string;
  readonly expires_at: string;
}

/** What the invitation link shows before registering (`GET /invitations/{token}`, no login needed). */
export interface InvitationPreview {
  readonly workspace: { readonly id: string; readonly name: string };
  readonly email: string;
  readonly role: Role;
  readonly invited_by: string | null;
  readonly expires_at: string;
}

/** `POST /workspaces/{id}/invitations`: an address with an account is added at once, any other is invited. */
export type InviteResult = { readonly status: 'added'; readonly member: MemberInfo } | { readonly status: 'invited'; readonly invitation: InvitationInfo };
