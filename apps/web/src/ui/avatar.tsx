/** Initials of a name: "Alice Moreau" → "AM". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** A round avatar in the user's colour with their initials; the full name is the accessible label. */
export function Avatar({ name, color, size = 'md', title }: { name: string; color: string; size?: 'sm' | 'md'; title?: string }) {
  return (
    <span className={`avatar avatar-${size}`} style={{ background: color }} title={title ?? name} role="img" aria-label={title ?? name}>
      {initials(name)}
    </span>
  );
}
