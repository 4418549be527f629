import type { ChatSearchHit } from '@tandem/client';
import { useTandemClient } from '@tandem/react';
import { useEffect, useState } from 'react';
import { navigate } from '../router/router.ts';
import { chatHref, roomTitle } from './room-title.ts';

/** Waits this long after the last keystroke before searching. */
const SEARCH_DELAY_MS = 250;

/**
 * Search over every conversation the user can read: hits with their room and a snippet whose
 * matches are highlighted (the server escapes the text and adds only `<mark>`); choosing a hit
 * opens its room around the message.
 */
export function ChatSearch({ workspaceId }: { workspaceId: string }) {
  const client = useTandemClient();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<readonly ChatSearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const query = q.trim();
    if (!query) {
      setHits(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      client.chat.search(workspaceId, query, { limit: 20 }).then(
        (found) => {
          if (!live) return;
          setHits(found);
          setError(null);
        },
        (err: Error) => live && setError(err.message),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, workspaceId, q]);

  return (
    <div className="chat-search">
      <input type="search" aria-label="Search messages" placeholder="Search messages" value={q} onChange={(e) => setQ(e.target.value)} />
      {error && <p className="error-text">{error}</p>}
      {hits && (
        <ul className="chat-search-hits" aria-label="Search results">
          {hits.length === 0 && <li className="muted">No messages found.</li>}
          {hits.map((hit) => (
            <li key={hit.message.id}>
              <button
                type="button"
                className="chat-search-hit"
                onClick={() => {
                  setQ('');
                  navigate(chatHref(workspaceId, hit.room.id, hit.message.id));
                }}
              >
                <span className="chat-search-room">
                  {hit.room.kind === 'dm' ? (hit.room.name ?? 'Direct message') : roomTitle({ ...hit.room, dm_peer: null })} ·{' '}
                  {hit.message.author?.name ?? 'Someone'}
                </span>
                {/* Escaped by the server except for the <mark> around matches. */}
                <span className="chat-search-snippet" dangerouslySetInnerHTML={{ __html: hit.snippet_html }} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
