import type { ActivityEntry, Role } from '@tandem/protocol';
import type { Member, Table } from '../api/types.ts';
import { Link } from '../router/link.tsx';
import { ActivityDiscussion } from './activity-discussion.tsx';
import { activityExcerpt, activitySentence, diffValue } from './activity-sentence.ts';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** One entry of the workspace activity: who did what where, its diff, a link to it, and its discussion. */
export function ActivityEntryItem({
  entry,
  workspaceId,
  tables,
  role,
  members,
}: {
  entry: ActivityEntry;
  workspaceId: string;
  tables: ReadonlyMap<string, Table>;
  role: Role;
  members: readonly Member[];
}) {
  const table = entry.table_id ? tables.get(entry.table_id) : undefined;
  const href = entry.table_id ? `/w/${workspaceId}/t/${entry.table_id}${entry.record_id ? `?record=${entry.record_id}` : ''}` : null;
  const excerpt = activityExcerpt(entry);
  return (
    <li className={`timeline-entry entry-${entry.entity_type}`} data-activity-id={entry.id}>
      <p className="timeline-head">
        <span>{activitySentence(entry)}</span>
        <time dateTime={entry.created_at} className="muted">
          {when(entry.created_at)}
        </time>
      </p>
      <p className="activity-where muted">
        {table ? <span className="activity-table">{table.name}</span> : entry.table_id ? <span>A deleted table</span> : <span>Workspace</span>}
        {href && (
          <Link href={href} className="activity-open">
            {entry.record_id ? 'Open record' : 'Open table'}
          </Link>
        )}
      </p>
      {entry.changes.length > 0 && (
        <ul className="diff">
          {entry.changes.map((c) => (
            <li key={c.field_id}>
              <span className="diff-field">{c.field_name}</span>: <del>{diffValue(c.before)}</del> → <ins>{diffValue(c.after)}</ins>
            </li>
          ))}
        </ul>
      )}
      {excerpt && <p className="activity-excerpt">“{excerpt}”</p>}
      <ActivityDiscussion activityId={entry.id} role={role} members={members} />
    </li>
  );
}
