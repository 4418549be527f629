import type { DocumentSession, DocumentStatus, TandemError } from '@tandem/client';
import { RICH_TEXT_FRAGMENT, type Role, roleAtLeast } from '@tandem/protocol';
import { useAwareness, useDocument } from '@tandem/react';
import { Collaboration } from '@tiptap/extension-collaboration';
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret';
import { type Editor, EditorContent, useEditor, useEditorState } from '@tiptap/react';
import { StarterKit } from '@tiptap/starter-kit';
import { useEffect, useId, useRef, useState } from 'react';
import type { Field, TableRecord, User } from '../api/types.ts';
import { VersionHistory } from '../documents/version-history.tsx';
import { ErrorState, LoadingState } from '../ui/states.tsx';
import { useFieldDocument } from './rich-text-queries.ts';
import '../styles/rich-text.css';

/**
 * A rich text field in the record drawer: its Yjs document joined while the drawer is open, edited
 * together with everyone else who has the record open. Editors write; viewers and commenters read
 * (and so does anyone whose edit the server refused). The plain rendering the server writes back
 * is the record's value, which the grid shows as text.
 */
export function RichTextField({ record, field, me, role }: { record: TableRecord; field: Field; me: User; role: Role }) {
  const document = useFieldDocument(record.id, field.id);
  if (document.isPending) return <LoadingState label="Opening the document" />;
  if (document.isError) return <ErrorState error={document.error} onRetry={() => void document.refetch()} />;
  return <RichTextDocument docId={document.data.id} field={field} me={me} canEdit={roleAtLeast(role, 'editor')} />;
}

function RichTextDocument({ docId, field, me, canEdit }: { docId: string; field: Field; me: User; canEdit: boolean }) {
  const { session, doc, status, error, readOnly } = useDocument(docId);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const editable = canEdit && !readOnly;
  return (
    <div className="rich-text">
      {session ? (
        // A new session brings a new Y.Doc: the editor is rebuilt around it rather than rebound.
        <CollaborativeEditor key={session.id} session={session} field={field} me={me} editable={editable} />
      ) : (
        <LoadingState label="Joining the document" />
      )}
      <div className="rich-text-foot">
        <SyncStatus status={status} error={readOnly ? null : error} />
        {!editable && <span className="rich-text-readonly">Read only</span>}
        <button type="button" className="btn btn-ghost btn-small" aria-expanded={versionsOpen} onClick={() => setVersionsOpen((open) => !open)}>
          Versions
        </button>
      </div>
      {versionsOpen && <VersionHistory docId={docId} kind="rich_text" doc={doc} canEdit={editable} layout="inline" onClose={() => setVersionsOpen(false)} />}
    </div>
  );
}

const STATUS_LABELS: Record<DocumentStatus, string> = {
  connecting: 'Connecting…',
  synced: 'Synced',
  offline: 'Offline — edits kept',
  error: 'Not syncing',
};

/** Where the document stands with the server; screen readers hear changes politely. */
function SyncStatus({ status, error }: { status: DocumentStatus; error: TandemError | null }) {
  return (
    <span className={`rich-text-status rich-text-status-${status}`} role="status" aria-live="polite" data-status={status}>
      <span className="rich-text-status-dot" aria-hidden="true" />
      {status === 'error' && error ? `${STATUS_LABELS.error}: ${error.message}` : STATUS_LABELS[status]}
    </span>
  );
}

function CollaborativeEditor({ session, field, me, editable }: { session: DocumentSession; field: Field; me: User; editable: boolean }) {
  const labelId = useId();
  const frame = useRef<HTMLDivElement>(null);
  const editor = useEditor(
    {
      editable,
      extensions: [
        // Collaboration brings Yjs undo, which undoes only this user's changes.
        StarterKit.configure({ undoRedo: false }),
        Collaboration.configure({ document: session.doc, field: RICH_TEXT_FRAGMENT }),
        CollaborationCaret.configure({
          provider: { awareness: session.awareness },
          // The server stamps the same identity on every awareness state; this is the local first guess.
          user: { id: me.id, name: me.name, color: me.color },
        }),
      ],
      editorProps: {
        attributes: {
          class: 'rich-text-content',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-labelledby': labelId,
        },
        // Escape leaves the editor for its frame instead of closing the drawer around it; a second one closes the drawer.
        handleKeyDown: (_view, event) => {
          if (event.key !== 'Escape') return false;
          event.stopPropagation();
          frame.current?.focus();
          return true;
        },
      },
    },
    [session],
  );

  useEffect(() => {
    if (editor.isEditable !== editable) editor.setEditable(editable);
    editor.view.dom.setAttribute('aria-readonly', String(!editable));
  }, [editor, editable]);

  useCaretLabelsInside(editor);

  return (
    <div className="rich-text-editor" ref={frame} tabIndex={-1}>
      <span id={labelId} className="visually-hidden">
        {field.name}
      </span>
      {editable && <Toolbar editor={editor} />}
      <EditorContent editor={editor} />
      <Collaborators awareness={session.awareness} />
    </div>
  );
}

/**
 * Keeps others' caret labels inside the editor: a label that would run past the right edge (a
 * caret near the end of a line) is drawn leftwards from its caret instead of being cut off.
 * Checked after every transaction (remote edits and awareness changes come as transactions too)
 * and when the editor is resized.
 */
function useCaretLabelsInside(editor: Editor) {
  useEffect(() => {
    const dom = editor.view.dom as HTMLElement;
    let frame = 0;
    const place = () => {
      frame = 0;
      // The inner right edge: the border and a vertical scrollbar cut a label off as well.
      const right = dom.getBoundingClientRect().left + dom.clientLeft + dom.clientWidth;
      for (const label of Array.from(dom.querySelectorAll<HTMLElement>('.collaboration-carets__label'))) {
        const caret = label.parentElement;
        if (!caret) continue;
        label.classList.toggle('collaboration-carets__label-end', caret.getBoundingClientRect().left + label.offsetWidth > right);
      }
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(place);
    };
    editor.on('transaction', schedule);
    const resize = new ResizeObserver(schedule);
    resize.observe(dom);
    schedule();
    return () => {
      editor.off('transaction', schedule);
      resize.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [editor]);
}

/** Marks and blocks the starter kit writes (the server's markdown rendering knows them), and undo / redo. */
function Toolbar({ editor }: { editor: Editor }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      heading: e.isActive('heading', { level: 2 }),
      bulletList: e.isActive('bulletList'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const tools: { label: string; text: string; pressed?: boolean; disabled?: boolean; run: () => void }[] = [
    { label: 'Bold', text: 'B', pressed: state.bold, run: () => editor.chain().focus().toggleBold().run() },
    { label: 'Italic', text: 'I', pressed: state.italic, run: () => editor.chain().focus().toggleItalic().run() },
    { label: 'Heading', text: 'H', pressed: state.heading, run: () => editor.chain().focus().toggleHeading({ level: 2 }).run() },
    { label: 'Bullet list', text: '•', pressed: state.bulletList, run: () => editor.chain().focus().toggleBulletList().run() },
    { label: 'Undo', text: '↶', disabled: !state.canUndo, run: () => editor.chain().focus().undo().run() },
    { label: 'Redo', text: '↷', disabled: !state.canRedo, run: () => editor.chain().focus().redo().run() },
  ];
  return (
    <div className="rich-text-toolbar" role="toolbar" aria-label="Formatting">
      {tools.map((tool) => (
        <button
          key={tool.label}
          type="button"
          className={`rich-text-tool rich-text-tool-${tool.label.toLowerCase().replace(' ', '-')}`}
          aria-label={tool.label}
          title={tool.label}
          aria-pressed={tool.pressed}
          disabled={tool.disabled}
          // Keep the caret (and so the selection the command applies to) in the editor.
          onMouseDown={(event) => event.preventDefault()}
          onClick={tool.run}
        >
          {tool.text}
        </button>
      ))}
    </div>
  );
}

/** Who else has the document open, in their caret colours. */
function Collaborators({ awareness }: { awareness: DocumentSession['awareness'] }) {
  const others = useAwareness(awareness);
  // One name per person, however many tabs they have the record open in.
  const people = new Map<string, NonNullable<(typeof others)[number]['user']>>();
  for (const { user } of others) if (user && !people.has(user.id)) people.set(user.id, user);
  if (people.size === 0) return null;
  return (
    <p className="rich-text-collaborators">
      Also here:{' '}
      {[...people.values()].map((user) => (
        <span key={user.id} className="rich-text-collaborator" style={{ borderColor: user.color }}>
          {user.name}
        </span>
      ))}
    </p>
  );
}
