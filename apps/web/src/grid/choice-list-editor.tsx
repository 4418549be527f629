import { CHOICE_COLORS, type ChoiceColor } from '@tandem/protocol';
import { useState } from 'react';
import { type ChoiceDraft, nextChoiceColor } from './field-draft.ts';
import { CHOICE_CHIP_COLORS } from './field-values.ts';

/** How many records use a choice, asked before it is deleted (null when unknown). */
export type ChoiceUsage = (choice: ChoiceDraft) => Promise<number | null>;

let newKeys = 0;

/**
 * The choices of a select field being edited: rename inline, move up or down (or drag a row),
 * pick a colour from the palette, add, and delete after a confirmation that says how many
 * records lose the choice. Changes go to `onChange`; nothing is saved here.
 */
export function ChoiceListEditor({
  choices,
  onChange,
  usage,
}: {
  choices: readonly ChoiceDraft[];
  onChange: (next: ChoiceDraft[]) => void;
  usage: ChoiceUsage;
}) {
  const [colouring, setColouring] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<{ key: string; uses: number | null } | null>(null);
  const [dragged, setDragged] = useState<string | null>(null);
  const [adding, setAdding] = useState('');
  const list = [...choices];
  const update = (key: string, change: Partial<ChoiceDraft>) => onChange(list.map((c) => (c.key === key ? { ...c, ...change } : c)));
  const move = (from: number, to: number) => {
    if (to < 0 || to >= list.length || from === to) return;
    const next = [...list];
    const [item] = next.splice(from, 1);
    if (item) next.splice(to, 0, item);
    onChange(next);
  };
  const add = () => {
    const name = adding.trim();
    if (!name) return;
    newKeys += 1;
    onChange([...list, { key: `new-${newKeys}`, name, color: nextChoiceColor(list) }]);
    setAdding('');
  };
  const askDelete = async (choice: ChoiceDraft) => {
    setConfirming({ key: choice.key, uses: null });
    const uses = choice.id ? await usage(choice) : 0;
    setConfirming((c) => (c?.key === choice.key ? { key: choice.key, uses } : c));
  };
  const duplicate = (name: string, key: string) => list.some((c) => c.key !== key && c.name.trim().toLowerCase() === name.trim().toLowerCase());

  return (
    <div className="choice-editor">
      <ol className="choice-list" aria-label="Choices">
        {list.map((choice, i) => {
          const chip = CHOICE_CHIP_COLORS[choice.color] ?? CHOICE_CHIP_COLORS.gray;
          const confirm = confirming?.key === choice.key ? confirming : null;
          return (
            <li
              key={choice.key}
              className={`choice-row${dragged === choice.key ? ' dragging' : ''}`}
              draggable
              onDragStart={(e) => {
                setDragged(choice.key);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onDragOver={(e) => {
                if (dragged === null) return;
                e.preventDefault();
                const from = list.findIndex((c) => c.key === dragged);
                if (from !== i) move(from, i);
              }}
              onDragEnd={() => setDragged(null)}
            >
              <div className="choice-line">
                <span className="choice-grip" aria-hidden="true" title="Drag to reorder">
                  ⋮⋮
                </span>
                <button
                  type="button"
                  className="choice-swatch"
                  style={{ background: chip?.bg, borderColor: chip?.fg }}
                  aria-label={`Colour of ${choice.name}: ${choice.color}`}
                  aria-expanded={colouring === choice.key}
                  onClick={() => setColouring(colouring === choice.key ? null : choice.key)}
                />
                <input
                  className="choice-name"
                  aria-label={`Choice ${i + 1} name`}
                  value={choice.name}
                  maxLength={100}
                  aria-invalid={!choice.name.trim() || duplicate(choice.name, choice.key)}
                  onChange={(e) => update(choice.key, { name: e.target.value })}
                />
                <button
                  type="button"
                  className="btn btn-ghost btn-icon"
                  aria-label={`Move ${choice.name} up`}
                  disabled={i === 0}
                  onClick={() => move(i, i - 1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="btn btn-ghost btn-icon"
                  aria-label={`Move ${choice.name} down`}
                  disabled={i === list.length - 1}
                  onClick={() => move(i, i + 1)}
                >
                  ↓
                </button>
                <button type="button" className="btn btn-ghost btn-icon" aria-label={`Delete choice ${choice.name}`} onClick={() => void askDelete(choice)}>
                  ×
                </button>
              </div>
              {colouring === choice.key && (
                <fieldset className="choice-palette">
                  <legend className="visually-hidden">Colours for {choice.name}</legend>
                  {CHOICE_COLORS.map((color: ChoiceColor) => {
                    const c = CHOICE_CHIP_COLORS[color];
                    return (
                      <button
                        key={color}
                        type="button"
                        className="choice-swatch"
                        style={{ background: c?.bg, borderColor: c?.fg }}
                        aria-label={color}
                        aria-pressed={choice.color === color}
                        onClick={() => {
                          update(choice.key, { color });
                          setColouring(null);
                        }}
                      />
                    );
                  })}
                </fieldset>
              )}
              {confirm && (
                <div className="choice-confirm" role="alert">
                  <span>
                    Delete “{choice.name}”?{' '}
                    {confirm.uses === null
                      ? 'Counting the records that use it…'
                      : confirm.uses === 0
                        ? 'No record uses it.'
                        : `${confirm.uses} ${confirm.uses === 1 ? 'record loses' : 'records lose'} this choice.`}
                  </span>
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    onClick={() => {
                      setConfirming(null);
                      onChange(list.filter((c) => c.key !== choice.key));
                    }}
                  >
                    Delete
                  </button>
                  <button type="button" className="btn btn-small" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {list.length === 0 && <p className="muted">No choices yet.</p>}
      <div className="panel-row">
        <input
          aria-label="New choice"
          placeholder="New choice"
          value={adding}
          maxLength={100}
          onChange={(e) => setAdding(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            add();
          }}
        />
        <button type="button" className="btn btn-small" onClick={add} disabled={!adding.trim() || duplicate(adding, '')}>
          Add choice
        </button>
      </div>
    </div>
  );
}
