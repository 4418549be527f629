/** Small inline icons (SVG, so they render without any emoji or icon font); decorative only. */

const common = {
  width: 16,
  height: 16,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
} as const;

/** A bell (notifications). */
export function BellIcon() {
  return (
    <svg {...common} width={18} height={18} aria-hidden="true" focusable="false">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** A padlock (a locked cell). */
export function LockIcon() {
  return (
    <svg {...common} width={10} height={10} strokeWidth={3} aria-hidden="true" focusable="false">
      <rect x="4" y="11" width="16" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </svg>
  );
}

/** Two diagonal arrows (open a record). */
export function ExpandIcon() {
  return (
    <svg {...common} width={14} height={14} aria-hidden="true" focusable="false">
      <path d="M15 3h6v6M9 21H3v-6M21 3l-7 7M3 21l7-7" />
    </svg>
  );
}
