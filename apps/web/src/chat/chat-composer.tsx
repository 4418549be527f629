import type { StoredFile } from '@tandem/client';
import { useTandemClient } from '@tandem/react';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { Member } from '../api/types.ts';
import { useMentionAutocomplete } from '../ui/mention-autocomplete.tsx';

/** A file being uploaded, or uploaded and waiting to be sent. */
interface Upload {
  readonly key: string;
  readonly name: string;
  readonly progress: number;
  readonly stored: StoredFile | null;
  readonly error: string | null;
}

/** Props of {@link ChatComposer}. */
export interface ChatComposerProps {
  readonly workspaceId: string;
  readonly members: readonly Member[];
  readonly placeholder: string;
  /** Sends the text with the uploaded files' ids. */
  readonly onSend: (body: string, fileIds: string[]) => void;
  /** Called on every keystroke (the typing signal, throttled by the SDK). */
  readonly onTyping: () => void;
  /** Files dropped on the surrounding pane, handed in by the page. */
  readonly droppedFiles?: readonly File[];
  readonly disabled?: boolean;
}

/**
 * The chat message box: Enter sends (Shift+Enter breaks the line), `@` autocompletes members,
 * files come by the attach button, paste or drag-and-drop and upload at once with progress.
 */
export function ChatComposer({ workspaceId, members, placeholder, onSend, onTyping, droppedFiles, disabled }: ChatComposerProps) {
  const client = useTandemClient();
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [uploads, setUploads] = useState<readonly Upload[]>([]);
  const ref = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const id = useId();
  const mentions = useMentionAutocomplete({
    text,
    caret,
    members,
    textarea: ref,
    onChange: (next, pos) => {
      setText(next);
      setCaret(pos);
    },
  });

  const addFiles = (files: readonly File[]) => {
    for (const file of files) {
      const key = `${file.name}-${Math.random().toString(36).slice(2)}`;
      const update = (patch: Partial<Upload>) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...patch } : u)));
      setUploads((list) => [...list, { key, name: file.name || 'pasted file', progress: 0, stored: null, error: null }]);
      client.chat
        .upload(workspaceId, file, file.name || 'pasted-image.png', {
          onProgress: ({ loaded, total }) => update({ progress: total > 0 ? loaded / total : 0 }),
        })
        .then(
          (stored) => update({ stored, progress: 1 }),
          (err: unknown) => update({ error: err instanceof Error ? err.message : String(err) }),
        );
    }
  };

  useEffect(() => {
    if (droppedFiles && droppedFiles.length > 0) addFiles(droppedFiles);
    // Only new drops matter; addFiles is recreated every render.
  }, [droppedFiles]);

  const uploading = uploads.some((u) => !u.stored && !u.error);
  const ready = uploads.filter((u) => u.stored);
  const canSend = !disabled && !uploading && (text.trim() !== '' || ready.length > 0);

  const send = () => {
    if (!canSend) return;
    onSend(
      mentions.encode(text),
      ready.map((u) => u.stored?.id ?? ''),
    );
    setText('');
    setCaret(0);
    setUploads([]);
    mentions.reset();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mentions.onKeyDown(event)) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form
      className="chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {uploads.length > 0 && (
        <ul className="chat-uploads" aria-label="Attachments">
          {uploads.map((u) => (
            <li key={u.key} className={u.error ? 'error' : ''}>
              <span>{u.name}</span>
              {u.error ? (
                <span className="error-text">{u.error}</span>
              ) : (
                <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`}>
                  {Math.round(u.progress * 100)}%
                </progress>
              )}
              <button
                type="button"
                className="btn-icon"
                aria-label={`Remove ${u.name}`}
                onClick={() => setUploads((list) => list.filter((x) => x.key !== u.key))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-box chat-composer-box">
        <label htmlFor={id} className="visually-hidden">
          Message
        </label>
        {mentions.highlights}
        <textarea
          ref={ref}
          id={id}
          value={text}
          rows={1}
          className={mentions.className}
          disabled={disabled}
          placeholder={placeholder}
          {...mentions.inputProps}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            if (e.target.value) onTyping();
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            if (files.length > 0) {
              e.preventDefault();
              addFiles(files);
            }
          }}
        />
        {mentions.list}
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-label="Attach files"
          onChange={(e) => {
            addFiles([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <button type="button" className="btn btn-ghost btn-small" aria-label="Attach a file" disabled={disabled} onClick={() => fileInput.current?.click()}>
          📎
        </button>
        <button type="submit" className="btn btn-primary btn-small" disabled={!canSend}>
          Send
        </button>
      </div>
    </form>
  );
}
