import type { Typer } from '@tandem/client';

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…". */
export function typingText(typers: readonly Typer[]): string {
  const names = typers.map((t) => t.name);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

/** The line under the messages saying who types (kept in the layout so nothing jumps). */
export function TypingLine({ typers }: { typers: readonly Typer[] }) {
  return (
    <div className="chat-typing muted" aria-live="polite">
      {typingText(typers)}
    </div>
  );
}
