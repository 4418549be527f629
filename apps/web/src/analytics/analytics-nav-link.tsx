import { analyticsRoom } from '@tandem/client';
import { roleAtLeast } from '@tandem/protocol';
import { useTandemClient } from '@tandem/react';
import { useEffect, useState } from 'react';
import type { WorkspaceSummary } from '../api/types.ts';
import { Link } from '../router/link.tsx';

/**
 * Whether the signed-in user may read the workspace's analytics: admins always; for other members
 * the server decides when the live analytics room is joined (granted members are let in), which
 * answers without a refused HTTP request. The room is released as soon as the answer is known.
 */
function useMayReadAnalytics(workspace: WorkspaceSummary): boolean {
  const admin = roleAtLeast(workspace.role, 'admin');
  const client = useTandemClient();
  const [granted, setGranted] = useState(false);
  useEffect(() => {
    setGranted(false);
    if (admin) return undefined;
    const room = client.room(analyticsRoom(workspace.id));
    let release: (() => void) | null = null;
    const settle = () => {
      if (room.state !== 'subscribed' && room.state !== 'error') return;
      setGranted(room.state === 'subscribed');
      stop();
    };
    const off = room.onChange(settle);
    release = room.subscribe();
    function stop() {
      off();
      release?.();
      release = null;
    }
    settle();
    return stop;
  }, [client, workspace.id, admin]);
  return admin || granted;
}

/** The "Analytics" link of the workspace navigation, shown to those who may read analytics. */
export function AnalyticsNavLink({ workspace, current }: { workspace: WorkspaceSummary; current: boolean }) {
  if (!useMayReadAnalytics(workspace)) return null;
  return (
    <Link href={`/w/${workspace.id}/analytics`} aria-current={current ? 'page' : undefined}>
      Analytics
    </Link>
  );
}
