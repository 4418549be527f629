import type { ChatMessage } from '@tandem/client';
import { useTandemClient } from '@tandem/react';
import { useState } from 'react';
import { Avatar } from '../ui/avatar.tsx';
import { ReactionPicker } from './reaction-picker.tsx';

/** Props of {@link MessageItem}. */
export interface MessageItemProps {
  readonly message: ChatMessage;
  readonly showHeader: boolean;
  readonly meId: string;
  readonly colorOf: (userId: string) => string;
  readonly nameOf: (userId: string) => string;
  /** Opens the message's thread (absent inside the thread panel). */
  readonly onOpenThread?: (message: ChatMessage) => void;
  readonly focused?: boolean;
}

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** One message: author header, rendered body, attachments, reactions, thread summary and the author's edit/delete. */
export function MessageItem({ message, showHeader, meId, colorOf, nameOf, onOpenThread, focused }: MessageItemProps) {
  const client = useTandemClient();
  const [picking, setPicking] = useState(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.body);
  const mine = message.author?.id === meId;
  const deleted = message.deleted_at !== null;
  const authorName = message.author?.name ?? 'Someone';

  const saveEdit = async () => {
    if (draft.trim() && draft !== message.body) await client.chat.edit(message.id, draft);
    setEditing(false);
  };

  return (
    <article
      className={`chat-message${showHeader ? ' with-header' : ''}${focused ? ' focused' : ''}`}
      data-message-id={message.id}
      aria-label={`${authorName} at ${time(message.created_at)}`}
    >
      <div className="chat-gutter">
        {showHeader ? (
          <Avatar name={authorName} color={colorOf(message.author?.id ?? '')} />
        ) : (
          <span className="chat-time-hover muted">{time(message.created_at)}</span>
        )}
      </div>
      <div className="chat-main">
        {showHeader && (
          <div className="chat-header">
            <strong>{authorName}</strong>{' '}
            <time className="muted" dateTime={message.created_at}>
              {time(message.created_at)}
            </time>
          </div>
        )}
        {deleted ? (
          <p className="chat-body muted chat-deleted">This message was deleted.</p>
        ) : editing ? (
          <form
            className="chat-edit"
            onSubmit={(e) => {
              e.preventDefault();
              void saveEdit();
            }}
          >
            <textarea
              aria-label="Edit message"
              value={draft}
              rows={2}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  void saveEdit();
                }
                if (e.key === 'Escape') setEditing(false);
              }}
            />
            <div className="composer-actions">
              <button type="button" className="btn btn-small" onClick={() => setEditing(false)}>
                Cancel
              </button>
              <button type="submit" className="btn btn-small btn-primary">
                Save
              </button>
            </div>
          </form>
        ) : (
          <div className="chat-body">
            {/* The server renders markdown to sanitised HTML. */}
            <div className="chat-html" dangerouslySetInnerHTML={{ __html: message.body_html }} />
            {message.edited_at && <span className="muted chat-edited">(edited)</span>}
          </div>
        )}
        {!deleted && message.attachments.length > 0 && (
          <div className="chat-attachments">
            {message.attachments.map((a) =>
              a.mime.startsWith('image/') && a.thumbnail_url ? (
                <a key={a.file_id} href={a.url} target="_blank" rel="noreferrer" className="chat-image">
                  <img src={a.thumbnail_url} alt={a.name} width={a.width ?? undefined} height={a.height ?? undefined} loading="lazy" />
                </a>
              ) : (
                <a key={a.file_id} href={a.url} className="chat-file" download={a.name}>
                  📎 {a.name} <span className="muted">({Math.max(1, Math.round(a.size / 1024))} KB)</span>
                </a>
              ),
            )}
          </div>
        )}
        {message.reactions.length > 0 && (
          <div className="chat-reactions">
            {message.reactions.map((r) => (
              <button
                key={r.emoji}
                type="button"
                className={`chat-reaction${r.user_ids.includes(meId) ? ' mine' : ''}`}
                aria-pressed={r.user_ids.includes(meId)}
                title={r.user_ids.map(nameOf).join(', ')}
                onClick={() => void client.chat.react(message.id, r.emoji)}
              >
                {r.emoji} <span>{r.count}</span>
              </button>
            ))}
          </div>
        )}
        {onOpenThread && message.reply_count > 0 && (
          <button type="button" className="chat-thread-link" onClick={() => onOpenThread(message)}>
            <span className="avatar-stack">
              {message.thread_participants.slice(0, 3).map((id) => (
                <Avatar key={id} name={nameOf(id)} color={colorOf(id)} size="sm" />
              ))}
            </span>
            {message.reply_count} {message.reply_count === 1 ? 'reply' : 'replies'}
          </button>
        )}
      </div>
      {!deleted && !editing && (
        <div className="chat-actions" role="toolbar" aria-label="Message actions">
          <button type="button" className="btn-icon" aria-label="Add reaction" onClick={() => setPicking((p) => !p)}>
            😊
          </button>
          {onOpenThread && (
            <button type="button" className="btn-icon" aria-label="Reply in thread" onClick={() => onOpenThread(message)}>
              💬
            </button>
          )}
          {mine && (
            <>
              <button
                type="button"
                className="btn-icon"
                aria-label="Edit message"
                onClick={() => {
                  setDraft(message.body);
                  setEditing(true);
                }}
              >
                ✏️
              </button>
              <button
                type="button"
                className="btn-icon"
                aria-label="Delete message"
                onClick={() => {
                  if (window.confirm('Delete this message?')) void client.chat.delete(message.id);
                }}
              >
                🗑️
              </button>
            </>
          )}
          {picking && <ReactionPicker onPick={(emoji) => void client.chat.react(message.id, emoji)} onClose={() => setPicking(false)} />}
        </div>
      )}
    </article>
  );
}
