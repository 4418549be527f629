import type { ActivityEntry } from '@tandem/protocol';
import { roomName } from '@tandem/protocol';
import { useRoom } from '@tandem/react';
import { type InfiniteData, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/http.ts';
import { type ActivityFilter, type ActivityPage, activityKeys, activityPath } from './workspace-activity-queries.ts';

/** Most entries one check for new activity asks for; more arrive with the next check. */
const NEWER_LIMIT = 200;

/** What {@link useLiveActivity} gives the activity page. */
export interface LiveActivity {
  /** Entries that arrived since the list was shown and match its filter, newest first. */
  readonly pending: readonly ActivityEntry[];
  /** Puts the pending entries at the top of the list. */
  show(): void;
}

/**
 * Follows the `workspace:{id}` room for the activity page. A new entry is not inserted at once
 * (the list would jump under the reader): the page asks the server what is newer than its newest
 * entry under the same filter, so only entries that match are counted, and offers them as
 * "N new — show".
 */
export function useLiveActivity(workspaceId: string, filter: ActivityFilter): LiveActivity {
  const queries = useQueryClient();
  const key = activityKeys.list(workspaceId, filter);
  const [pending, setPending] = useState<readonly ActivityEntry[]>([]);
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  const openedAt = useRef(new Date().toISOString());
  const checking = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    // Another filter is another list: what was pending for the old one does not belong to it.
    setPending([]);
    openedAt.current = new Date().toISOString();
  }, [filterKey]);

  const shown = (): readonly ActivityEntry[] => queries.getQueryData<InfiniteData<ActivityPage>>(key)?.pages.flatMap((p) => p.activity) ?? [];

  const check = async (): Promise<void> => {
    const known = new Set([...shown(), ...pendingRef.current].map((e) => e.id));
    const newest = [pendingRef.current[0]?.created_at, shown()[0]?.created_at, openedAt.current]
      .filter((t): t is string => Boolean(t))
      .sort()
      .at(-1);
    // A millisecond earlier than the newest known: entries of the same instant are not missed, and `known` drops the repeats.
    const after = newest ? new Date(Date.parse(newest) - 1).toISOString() : undefined;
    const page = await api.get<ActivityPage>(activityPath(workspaceId, filter, { ...(after ? { after } : {}), limit: NEWER_LIMIT }));
    const fresh = page.activity.filter((e) => !known.has(e.id));
    if (fresh.length) setPending((list) => [...fresh, ...list.filter((e) => !fresh.some((f) => f.id === e.id))]);
  };

  /** Runs one check at a time; events during a check ask for one more after it. */
  const schedule = () => {
    if (checking.current) {
      again.current = true;
      return;
    }
    checking.current = check()
      .catch(() => {
        // The next event checks again; the list itself stays as it is.
      })
      .finally(() => {
        checking.current = null;
        if (again.current) {
          again.current = false;
          schedule();
        }
      });
  };

  // Comments on entries are refreshed by the shell's workspace follower (use-workspace-live.ts).
  useRoom(roomName('workspace', workspaceId), (event) => {
    if (event.type === 'activity_created') schedule();
  });

  const show = () => {
    const arrived = pendingRef.current;
    if (arrived.length === 0) return;
    queries.setQueryData<InfiniteData<ActivityPage>>(key, (data) => {
      if (!data) return data;
      const [first, ...rest] = data.pages;
      const ids = new Set(arrived.map((e) => e.id));
      const top: ActivityPage = { activity: [...arrived, ...(first?.activity ?? []).filter((e) => !ids.has(e.id))], next_cursor: first?.next_cursor ?? null };
      return { ...data, pages: [top, ...rest] };
    });
    setPending([]);
  };

  return { pending, show };
}
