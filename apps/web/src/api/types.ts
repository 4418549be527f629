import type { FieldChoice, FieldInfo, RecordInfo, Role, TableInfo, ViewInfo } from '@tandem/protocol';

/** Shapes of the REST API's JSON bodies as the app uses them (wire types come from the protocol). */

/** A user as others see them. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly color: string;
}

/** A workspace the current user belongs to, with their role in it. */
export interface WorkspaceSummary {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

/** `GET /me`. */
export interface Me {
  readonly user: User;
  readonly workspaces: readonly WorkspaceSummary[];
}

/** A workspace member. */
export interface Member {
  readonly user_id: string;
  readonly email: string;
  readonly name: string;
  readonly color: string;
  readonly role: Role;
  readonly joined_at: string;
}

/** A table of a workspace. */
export type Table = TableInfo;
/** A typed column. */
export type Field = FieldInfo;
/** A saved view: filters, sorts and hidden fields. */
export type View = ViewInfo;
/** A record (row). `version` grows by one on every change. */
export type TableRecord = RecordInfo;
/** One choice of a select field; values store its id. */
export type Choice = FieldChoice;

/** A page of records with the cursor of the next page (null at the end). */
export interface RecordPage {
  readonly records: readonly TableRecord[];
  readonly next_cursor: string | null;
}
