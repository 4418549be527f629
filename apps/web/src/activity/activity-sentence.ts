import type { ActivityEntry } from '@tandem/protocol';
import { mentionMarkupToText } from '../ui/mention-text.ts';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** What an entry says happened, in one line: "Alice Moreau updated a record", "Bob Okafor added the field Due". */
export function activitySentence(entry: ActivityEntry): string {
  const who = entry.actor?.name ?? 'Someone';
  const name = text(entry.meta.name);
  const title = text(entry.meta.title);
  switch (entry.entity_type) {
    case 'comment':
      if (entry.action === 'created') return entry.meta.activity_id ? `${who} commented on an activity entry` : `${who} commented on a record`;
      return `${who} ${entry.action} a comment`;
    case 'approval':
      return entry.action === 'requested'
        ? `${who} requested approval${title ? `: ${title}` : ''}`
        : `${who} ${entry.action} the request${title ? ` “${title}”` : ''}`;
    case 'record':
      return `${who} ${entry.action} a record`;
    case 'member':
      return `${who} ${entry.action} the member ${name ?? ''}`.trim();
    case 'workflow':
      return `${who} ${entry.action} a workflow rule${name ? ` “${name}”` : ''}`;
    default:
      return `${who} ${entry.action} the ${entry.entity_type}${name ? ` ${name}` : ''}`;
  }
}

/** The comment text an entry carries (its excerpt, mentions as "@Name"), if it is about a comment. */
export function activityExcerpt(entry: ActivityEntry): string | null {
  const excerpt = text(entry.meta.excerpt);
  return excerpt ? mentionMarkupToText(excerpt) : null;
}

/** A field value of a diff as short text (the page spans all tables, so it has no field definitions at hand). */
export function diffValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(diffValue).join(', ');
  return JSON.stringify(value);
}
