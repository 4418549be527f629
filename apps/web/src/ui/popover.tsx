import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

/**
 * A button that opens a panel below it (disclosure pattern): Escape or a click outside closes
 * it and returns focus to the button.
 */
export function Popover({
  label,
  buttonClass = 'btn',
  buttonLabel,
  children,
  align = 'left',
}: {
  label: ReactNode;
  buttonClass?: string;
  /** Accessible name when `label` is an icon. */
  buttonLabel?: string;
  children: (close: () => void) => ReactNode;
  align?: 'left' | 'right';
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div className="popover-root" ref={root}>
      <button
        ref={button}
        type="button"
        className={buttonClass}
        aria-expanded={open}
        aria-controls={id}
        aria-label={buttonLabel}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
      </button>
      {open && (
        <div id={id} className={`popover popover-${align}`}>
          {children(close)}
        </div>
      )}
    </div>
  );
}
