import type { DocumentSession, DocumentStatus, TandemError } from '@tandem/client';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useDocument} returns. */
export interface UseDocumentResult {
  /** The session (null until mounted, or without an id): `doc` is its `Y.Doc`, `awareness` its awareness. */
  readonly session: DocumentSession | null;
  readonly doc: DocumentSession['doc'] | null;
  readonly awareness: DocumentSession['awareness'] | null;
  readonly status: DocumentStatus;
  readonly error: TandemError | null;
  /** True once the server refused an edit because the user's role only lets them read. */
  readonly readOnly: boolean;
}

const NOTHING = () => undefined;

/**
 * Joins the collaborative document `id` while mounted: a fresh session per id, started in an
 * effect (so React's double effects in development start and stop one cleanly), left on unmount.
 */
export function useDocument(id: string | null): UseDocumentResult {
  const client = useTandemClient();
  const [session, setSession] = useState<DocumentSession | null>(null);
  useEffect(() => {
    if (!id) return undefined;
    const next = client.doc(id);
    const stop = next.start();
    setSession(next);
    return () => {
      setSession(null);
      stop();
    };
  }, [client, id]);
  const subscribe = useCallback((onChange: () => void) => session?.onChange(onChange) ?? NOTHING, [session]);
  const status = useSyncExternalStore(subscribe, () => session?.status ?? 'connecting');
  const error = useSyncExternalStore(subscribe, () => session?.error ?? null);
  return { session, doc: session?.doc ?? null, awareness: session?.awareness ?? null, status, error, readOnly: error?.code === 'forbidden' };
}

/** Another participant as their awareness shows them. */
export interface Participant<S> {
  readonly clientId: number;
  /** Set by the server from who is logged in. */
  readonly user: { readonly id: string; readonly name: string; readonly color: string } | null;
  readonly state: S;
}

/** The other participants of a document (not this client), re-rendered when their awareness changes. */
export function useAwareness<S extends Record<string, unknown> = Record<string, unknown>>(
  awareness: DocumentSession['awareness'] | null,
): readonly Participant<S>[] {
  const [participants, setParticipants] = useState<readonly Participant<S>[]>([]);
  useEffect(() => {
    if (!awareness) {
      setParticipants([]);
      return undefined;
    }
    const read = () =>
      setParticipants(
        [...awareness.getStates()]
          .filter(([clientId]) => clientId !== awareness.clientID)
          .map(([clientId, state]) => ({ clientId, user: (state.user as Participant<S>['user']) ?? null, state: state as S })),
      );
    read();
    awareness.on('change', read);
    return () => awareness.off('change', read);
  }, [awareness]);
  return participants;
}
