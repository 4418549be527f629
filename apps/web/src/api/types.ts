import type { FieldType, Role } from '@tandem/protocol';

/** Shapes of the REST API's JSON bodies as the app uses them. */

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
export interface Table {
  readonly id: string;
  readonly workspace_id: string;
  readonly name: string;
  readonly description?: string | null;
  readonly fields?: readonly Field[];
  readonly views?: readonly View[];
}

/** One choice of a select field. */
export interface SelectChoice {
  readonly id?: string;
  readonly name: string;
  readonly color?: string;
}

/** A typed column. `options` depend on the type (choices for selects, the linked table for links). */
export interface Field {
  readonly id: string;
  readonly table_id: string;
  readonly name: string;
  readonly type: FieldType;
  readonly options: { readonly choices?: readonly (SelectChoice | string)[]; readonly table_id?: string; readonly [key: string]: unknown };
  readonly position?: number;
}

/** A filter condition of a view. */
export interface ViewFilter {
  readonly field_id: string;
  readonly op: string;
  readonly value?: unknown;
}

/** A sort key of a view. */
export interface ViewSort {
  readonly field_id: string;
  readonly direction: 'asc' | 'desc';
}

/** A saved view: filters, sorts and hidden fields. */
export interface View {
  readonly id: string;
  readonly table_id: string;
  readonly name: string;
  readonly filters: readonly ViewFilter[];
  readonly sorts: readonly ViewSort[];
  readonly hidden_fields: readonly string[];
}

/** Values of a record, keyed by field id. */
export type RecordValues = Readonly<Record<string, unknown>>;

/** A record (row). `version` grows by one on every change. */
export interface TableRecord {
  readonly id: string;
  readonly table_id: string;
  readonly values: RecordValues;
  readonly version: number;
  readonly created_at?: string;
  readonly updated_at?: string;
  readonly created_by?: string | null;
  readonly updated_by?: string | null;
}

/** A page of records with the cursor of the next page (null at the end). */
export interface RecordPage {
  readonly records: readonly TableRecord[];
  readonly next_cursor: string | null;
}
