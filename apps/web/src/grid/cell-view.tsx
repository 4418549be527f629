import type { Field } from '../api/types.ts';
import { Avatar } from '../ui/avatar.tsx';
import { CHOICE_CHIP_COLORS, choicesOf, type DisplayContext, displayText, isEmptyValue } from './field-values.ts';

function Chip({ label, color }: { label: string; color?: string }) {
  const c = CHOICE_CHIP_COLORS[color ?? 'gray'] ?? CHOICE_CHIP_COLORS.gray;
  return (
    <span className="chip" style={{ background: c?.bg, color: c?.fg }}>
      {label}
    </span>
  );
}

/** How a value looks in a grid cell, by field type. User content is rendered as text, never HTML. */
export function CellView({ field, value, ctx }: { field: Field; value: unknown; ctx: DisplayContext }) {
  if (field.type === 'checkbox') {
    return (
      <span className={`checkbox-view${value === true ? ' checked' : ''}`} role="img" aria-label={value === true ? 'checked' : 'unchecked'}>
        {value === true ? '✓' : ''}
      </span>
    );
  }
  if (isEmptyValue(value)) return null;
  if (field.type === 'single_select' || field.type === 'multi_select') {
    const choices = choicesOf(field);
    const ids = Array.isArray(value) ? (value as string[]) : [String(value)];
    return (
      <span className="chips">
        {ids.map((id) => {
          const choice = choices.find((c) => c.id === id);
          return <Chip key={id} label={choice?.name ?? id} color={choice?.color} />;
        })}
      </span>
    );
  }
  if (field.type === 'user') {
    const member = ctx.members.get(String(value));
    return (
      <span className="user-chip">
        <Avatar name={member?.name ?? '?'} color={member?.color ?? '#6b7280'} size="sm" />
        {member?.name ?? 'Former member'}
      </span>
    );
  }
  if (field.type === 'link') {
    return (
      <span className="chips">
        {(value as string[]).map((id) => (
          <span key={id} className="chip chip-link">
            {ctx.linkedTitles?.get(id) || `#${id.slice(0, 8)}`}
          </span>
        ))}
      </span>
    );
  }
  if (field.type === 'number') return <span className="num">{displayText(field, value, ctx)}</span>;
  return <span className="text">{displayText(field, value, ctx)}</span>;
}
