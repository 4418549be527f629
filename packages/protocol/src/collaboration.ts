import type { Actor } from './messages.ts';

/**
 * Wire shapes of the collaboration API (comments, activity, approvals), declared once for the
 * server that sends them and the SDK and app that read them. Response shapes are interfaces, not
 * zod schemas: nothing parses them at run time, and an interface keeps every field `readonly`
 * with its own doc comment.
 */

/** A comment on a record or on an activity entry. Deleted comments keep their place in the thread with an empty body. */
export interface Comment {
  readonly id: string;
  readonly workspace_id: string;
  readonly table_id: string | null;
  readonly record_id: string | null;
  readonly activity_id: string | null;
  /** The comment this one answers; null for a thread's first comment. */
  readonly parent_id: string | null;
  /** Id of the thread's first comment (its own id for a first comment). */
  readonly thread_id: string;
  readonly author: Actor | null;
  /** The markdown as written. */
  readonly body: string;
  /** Sanitised HTML rendered from `body`; safe to insert into a page. */
  readonly body_html: string;
  /** Ids of the workspace members the comment mentions. */
  readonly mentions: readonly string[];
  readonly resolved: boolean;
  readonly resolved_at: string | null;
  readonly resolved_by: string | null;
  readonly edited_at: string | null;
  readonly deleted_at: string | null;
  readonly created_at: string;
}

/** One changed field of an activity entry: its id and name at the time, and the value before and after. */
export interface FieldChange {
  readonly field_id: string;
  readonly field_name: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** An audit-trail entry: who did what to which entity, with a field-level diff. */
export interface ActivityEntry {
  readonly id: string;
  readonly workspace_id: string;
  readonly table_id: string | null;
  readonly record_id: string | null;
  readonly entity_type: string;
  readonly entity_id: string;
  readonly action: string;
  readonly actor: Actor | null;
  readonly changes: readonly FieldChange[];
  readonly meta: Readonly<Record<string, unknown>>;
  readonly created_at: string;
}

/** States of an approval; only `pending` can change, and only once. */
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
/** An approval's state. */
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** An approval request on a record, by hand or from a workflow rule. */
export interface Approval {
  readonly id: string;
  readonly workspace_id: string;
  readonly table_id: string;
  readonly record_id: string;
  readonly title: string;
  readonly description: string;
  readonly status: ApprovalStatus;
  readonly requester: Actor | null;
  readonly assignees: readonly Actor[];
  readonly due_at: string | null;
  /** Who answered, with their note; null while pending. */
  readonly response: { readonly by: Actor | null; readonly note: string; readonly at: string } | null;
  /** The workflow rule that asked for it; null for a request made by hand. */
  readonly workflow_id: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}
