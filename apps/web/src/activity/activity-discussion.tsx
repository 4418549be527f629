import type { Role } from '@tandem/protocol';
import { useState } from 'react';
import type { Member } from '../api/types.ts';
import { ActivityComments } from './activity-comments.tsx';

/** A "Discuss" toggle under an activity entry that opens its comment thread (the Activity page and a record's timeline). */
export function ActivityDiscussion({ activityId, role, members }: { activityId: string; role: Role; members: readonly Member[] }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-ghost btn-small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide discussion' : 'Discuss'}
      </button>
      {open && <ActivityComments activityId={activityId} role={role} members={members} />}
    </>
  );
}
