import type { Actor } from '@tandem/protocol';

/** JSON shapes of the collaboration API (comments, activity, approvals) as the app reads them. */

/** A comment on a record (or on an activity entry). `body_html` is sanitised by the server. */
export interface Comment {
  readonly id: string;
  readonly record_id: string | null;
  readonly parent_id: string | null;
  readonly thread_id: string;
  readonly author: Actor | null;
  readonly body: string;
  readonly body_html: string;
  readonly mentions: readonly string[];
  readonly resolved: boolean;
  readonly edited_at: string | null;
  readonly deleted_at: string | null;
  readonly created_at: string;
}

/** One field's before/after in an activity entry. */
export interface FieldChange {
  readonly field_id: string;
  readonly field_name: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** An audit-trail entry. */
export interface ActivityEntry {
  readonly id: string;
  readonly record_id: string | null;
  readonly entity_type: string;
  readonly entity_id: string;
  readonly action: string;
  readonly actor: Actor | null;
  readonly changes: readonly FieldChange[];
  readonly meta: Readonly<Record<string, unknown>>;
  readonly created_at: string;
}

/** States of an approval request. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

/** An approval request on a record. */
export interface Approval {
  readonly id: string;
  readonly record_id: string;
  readonly table_id: string;
  readonly workspace_id: string;
  readonly title: string;
  readonly description: string;
  readonly status: ApprovalStatus;
  readonly requester: Actor | null;
  readonly assignees: readonly Actor[];
  readonly due_at: string | null;
  readonly response: { readonly by: Actor | null; readonly note: string; readonly at: string } | null;
  readonly created_at: string;
}

/** Filters of the activity timeline. */
export const ACTIVITY_FILTERS = [
  { value: '', label: 'All' },
  { value: 'comments', label: 'Comments' },
  { value: 'approvals', label: 'Approvals' },
  { value: 'changes', label: 'Changes' },
] as const;
