/** The emoji offered for reactions. */
export const REACTION_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '👀'] as const;

/** A small fixed row of emoji to react with. */
export function ReactionPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  return (
    <div className="reaction-picker" role="menu" aria-label="Add a reaction" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      {REACTION_EMOJI.map((emoji) => (
        <button
          key={emoji}
          type="button"
          role="menuitem"
          className="reaction-pick"
          aria-label={`React with ${emoji}`}
          onClick={() => {
            onPick(emoji);
            onClose();
          }}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
