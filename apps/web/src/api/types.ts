import type { FieldChoice, FieldInfo, MeInfo, MemberInfo, RecordInfo, TableInfo, UserInfo, ViewInfo, WorkspaceSummary } from '@tandem/protocol';

/** Shapes of the REST API's JSON bodies as the app uses them (wire types come from the protocol). */

/** A user as others see them. */
export type User = UserInfo;
/** `GET /me`. */
export type Me = MeInfo;
/** A workspace member. */
export type Member = MemberInfo;
export type { WorkspaceSummary };

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
