import { FIELD_TYPES, type FieldConversionPreview, type FieldType, NUMBER_FORMATS, type NumberFormat } from '@tandem/protocol';
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { Field, Table } from '../api/types.ts';
import { Dialog } from '../ui/dialog.tsx';
import { errorMessage } from '../ui/states.tsx';
import { ChoiceListEditor, type ChoiceUsage } from './choice-list-editor.tsx';
import { draftChangesValues, draftOf, draftOptions, draftPatch, type FieldDraft, removedChoices } from './field-draft.ts';
import { FIELD_TYPE_LABELS } from './field-header.tsx';
import { choicesOf } from './field-values.ts';
import { formatNumber } from './number-format.ts';
import { previewFieldChange, useFieldActions } from './table-queries.ts';
import '../styles/field-editor.css';

/** How long the editor waits after the last change before asking the server for a preview, in milliseconds. */
export const PREVIEW_DELAY_MS = 250;

const FORMAT_LABELS: Readonly<Record<NumberFormat, string>> = { plain: 'Plain number', currency: 'Currency', percent: 'Percent' };
const CURRENCIES: readonly string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : ['EUR', 'GBP', 'USD'];
const isSelect = (type: FieldType) => type === 'single_select' || type === 'multi_select';

type PreviewState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly preview: FieldConversionPreview }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * The field editor, opened from a column header's menu: name, description, type, and the options
 * of the type (choices of a select; decimals and currency or percent of a number; a link's table;
 * a date's time). Before a change that converts or clears values is saved, it shows how many
 * records change and how many values cannot be converted, from the server's preview.
 */
export function FieldEditor({ field: live, tableId, tables, onClose }: { field: Field; tableId: string; tables: readonly Table[]; onClose: () => void }) {
  // Changes are worked out against the field as it was when the editor opened, so saving sends
  // only this person's edits and leaves alone what someone else changed in the meantime.
  const [field] = useState(live);
  const actions = useFieldActions(tableId);
  const [draft, setDraft] = useState<FieldDraft>(() => draftOf(field, tables[0]?.id ?? ''));
  const [preview, setPreview] = useState<PreviewState>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const ids = {
    name: useId(),
    description: useId(),
    type: useId(),
    precision: useId(),
    format: useId(),
    currency: useId(),
    link: useId(),
    currencies: useId(),
  };
  const patch = draftPatch(draft, field);
  const removed = removedChoices(draft, field);
  // Renaming, recolouring or reordering choices keeps every value; only a new type or a deleted choice can change records.
  const needsPreview = draftChangesValues(patch) && (patch.type !== undefined || removed.length > 0);
  const previewKey = needsPreview ? JSON.stringify({ type: patch.type, options: draftOptions(draft, field) }) : null;

  useEffect(() => {
    if (previewKey === null) {
      setPreview({ kind: 'idle' });
      return;
    }
    let current = true;
    setPreview({ kind: 'loading' });
    const timer = setTimeout(() => {
      previewFieldChange(field.id, JSON.parse(previewKey) as Parameters<typeof previewFieldChange>[1]).then(
        (result) => current && setPreview({ kind: 'ready', preview: result }),
        (err: unknown) => current && setPreview({ kind: 'failed', message: errorMessage(err) }),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [previewKey, field.id]);

  const set = (change: Partial<FieldDraft>) => setDraft((d) => ({ ...d, ...change }));
  const usage: ChoiceUsage = async (choice) => {
    if (!isSelect(field.type)) return 0;
    try {
      const rest = choicesOf(field).filter((c) => c.id !== choice.id);
      return (await previewFieldChange(field.id, { options: { choices: rest } })).records_changed;
    } catch {
      return null;
    }
  };
  const changes = preview.kind === 'ready' ? preview.preview.records_changed : 0;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (Object.keys(patch).length === 0) return onClose();
    try {
      await actions.update.mutateAsync({ id: field.id, ...patch });
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    // The dialog sits inside a column header in React's tree: its clicks must not select the column.
    // biome-ignore lint/a11y/noStaticElementInteractions: only stops the mouse-down from reaching the header
    <div className="field-editor-host" onMouseDown={(e) => e.stopPropagation()}>
      <Dialog title={`Edit field “${field.name}”`} onClose={onClose}>
        <form className="field-editor stack" onSubmit={(e) => void submit(e)} aria-label="Edit field">
          <label htmlFor={ids.name}>Name</label>
          <input id={ids.name} value={draft.name} required maxLength={100} onChange={(e) => set({ name: e.target.value })} />
          <label htmlFor={ids.description}>Description</label>
          <textarea
            id={ids.description}
            value={draft.description}
            maxLength={2000}
            rows={2}
            placeholder="What this field is for (shown on the column header)"
            onChange={(e) => set({ description: e.target.value })}
          />
          <label htmlFor={ids.type}>Type</label>
          <select id={ids.type} value={draft.type} onChange={(e) => set({ type: e.target.value as FieldType })}>
            {FIELD_TYPES.map((t) => (
              <option key={t} value={t}>
                {FIELD_TYPE_LABELS[t]}
              </option>
            ))}
          </select>

          {isSelect(draft.type) && (
            <fieldset className="field-editor-section">
              <legend>Choices</legend>
              {!draft.choicesTouched && !isSelect(field.type) && (
                <p className="muted">Leave the choices empty to make one for each distinct value already in this field.</p>
              )}
              <ChoiceListEditor choices={draft.choices} usage={usage} onChange={(choices) => set({ choices, choicesTouched: true })} />
            </fieldset>
          )}

          {draft.type === 'number' && (
            <fieldset className="field-editor-section">
              <legend>Number format</legend>
              <div className="field-editor-grid">
                <label htmlFor={ids.format}>Format</label>
                <select id={ids.format} value={draft.format} onChange={(e) => set({ format: e.target.value as NumberFormat })}>
                  {NUMBER_FORMATS.map((f) => (
                    <option key={f} value={f}>
                      {FORMAT_LABELS[f]}
                    </option>
                  ))}
                </select>
                <label htmlFor={ids.precision}>Decimals</label>
                <select
                  id={ids.precision}
                  value={draft.precision === null ? '' : String(draft.precision)}
                  onChange={(e) => set({ precision: e.target.value === '' ? null : Number(e.target.value) })}
                >
                  <option value="">As entered</option>
                  {Array.from({ length: 11 }, (_, n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
                {draft.format === 'currency' && (
                  <>
                    <label htmlFor={ids.currency}>Currency</label>
                    <input
                      id={ids.currency}
                      value={draft.currency}
                      list={ids.currencies}
                      maxLength={3}
                      required
                      pattern="[A-Za-z]{3}"
                      title="A three-letter currency code such as EUR"
                      onChange={(e) => set({ currency: e.target.value.toUpperCase() })}
                    />
                    <datalist id={ids.currencies}>
                      {CURRENCIES.map((code) => (
                        <option key={code} value={code} />
                      ))}
                    </datalist>
                  </>
                )}
              </div>
              <p className="muted" data-testid="number-sample">
                1234.5 shows as{' '}
                {formatNumber(1234.5, {
                  precision: draft.precision,
                  format: draft.format,
                  currency: /^[A-Z]{3}$/.test(draft.currency) ? draft.currency : null,
                })}
              </p>
            </fieldset>
          )}

          {draft.type === 'date' && (
            <label className="check-row">
              <input type="checkbox" checked={draft.includeTime} onChange={(e) => set({ includeTime: e.target.checked })} />
              Include a time
            </label>
          )}

          {draft.type === 'link' && (
            <>
              <label htmlFor={ids.link}>Linked table</label>
              <select id={ids.link} value={draft.linkedTableId} onChange={(e) => set({ linkedTableId: e.target.value })}>
                {tables.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </>
          )}

          {needsPreview && <ConversionNotice preview={preview} typeChange={patch.type} removed={removed} />}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={actions.update.isPending || preview.kind === 'loading'}>
              {changes > 0 ? `${patch.type ? 'Convert' : 'Change'} ${changes} ${changes === 1 ? 'record' : 'records'} and save` : 'Save'}
            </button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}

/** What saving will do to stored values, from the server's preview. */
function ConversionNotice({ preview, typeChange, removed }: { preview: PreviewState; typeChange?: FieldType; removed: readonly string[] }) {
  const what = typeChange
    ? `Changing the type to ${FIELD_TYPE_LABELS[typeChange]}`
    : removed.length > 0
      ? `Deleting ${removed.map((n) => `“${n}”`).join(', ')}`
      : 'This change';
  let text: string;
  if (preview.kind === 'ready') {
    const { records_changed: n, records_total: m, values_cleared: k } = preview.preview;
    text =
      n === 0
        ? `${what} changes no record.`
        : `${n} of ${m} ${m === 1 ? 'record' : 'records'} will change` +
          (k === 0
            ? '.'
            : typeChange
              ? `, ${k} ${k === 1 ? 'value cannot be converted' : 'values cannot be converted'} and will be cleared.`
              : `, ${k} ${k === 1 ? 'value loses its choice' : 'values lose their choice'} and will be cleared.`);
  } else if (preview.kind === 'failed') {
    text = preview.message;
  } else {
    text = 'Counting the records this changes…';
  }
  const cleared = preview.kind === 'ready' && preview.preview.values_cleared > 0;
  return (
    <p className={`field-editor-notice${cleared ? ' warn' : ''}${preview.kind === 'failed' ? ' failed' : ''}`} role="status" data-testid="conversion-preview">
      {text}
    </p>
  );
}
