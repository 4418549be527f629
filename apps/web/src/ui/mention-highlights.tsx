import { type RefObject, useLayoutEffect, useRef } from 'react';
import type { MentionSegment } from './mention-text.ts';
import '../styles/mentions.css';

/** Box and text metrics the backdrop copies from its textarea, so every glyph lands in the same place. */
const COPIED = [
  'boxSizing',
  'fontFamily',
  'fontSize',
  'fontWeight',
  'fontStyle',
  'letterSpacing',
  'lineHeight',
  'textTransform',
  'wordSpacing',
  'tabSize',
  'paddingTop',
  'paddingRight',
  'paddingBottom',
  'paddingLeft',
  'borderTopWidth',
  'borderRightWidth',
  'borderBottomWidth',
  'borderLeftWidth',
  'borderRadius',
] as const;

/**
 * Chips behind a textarea: a transparent-text copy of its content, laid exactly under it, where
 * each picked mention has the chip's background. A textarea cannot style part of its text; this
 * keeps the native editing (caret, selection, undo, IME) and still shows "@Bob Okafor" as a chip.
 */
export function MentionHighlights({ segments, textarea }: { segments: readonly MentionSegment[]; textarea: RefObject<HTMLTextAreaElement | null> }) {
  const backdrop = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const area = textarea.current;
    const back = backdrop.current;
    if (!area || !back) return;
    const place = () => {
      const style = getComputedStyle(area);
      for (const key of COPIED) back.style[key] = style[key];
      back.style.top = `${area.offsetTop}px`;
      back.style.left = `${area.offsetLeft}px`;
      back.style.width = `${area.offsetWidth}px`;
      back.style.height = `${area.offsetHeight}px`;
      back.scrollTop = area.scrollTop;
    };
    place();
    const sync = () => {
      back.scrollTop = area.scrollTop;
    };
    const observer = new ResizeObserver(place);
    observer.observe(area);
    area.addEventListener('scroll', sync);
    return () => {
      observer.disconnect();
      area.removeEventListener('scroll', sync);
    };
  }, [textarea]);

  useLayoutEffect(() => {
    const area = textarea.current;
    if (area && backdrop.current) backdrop.current.scrollTop = area.scrollTop;
  });

  return (
    <div ref={backdrop} className="mention-backdrop" aria-hidden="true">
      {segments.map((s, i) =>
        s.kind === 'mention' ? (
          <mark key={i} className="mention-chip" data-user-id={s.id}>
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
      {/* A trailing line break would collapse without something after it. */}
      {'\u200b'}
    </div>
  );
}
