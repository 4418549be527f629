import { type RefObject, useEffect, useRef } from 'react';
import { formatHtmlTable, formatTsv, parseTsv } from './clipboard-tsv.ts';

/** What the grid does with the system clipboard while it has the focus. */
export interface GridClipboardHandlers {
  /** The selected cells as text, row by row; null when nothing is selected. */
  readonly copy: () => string[][] | null;
  /** After a cut was copied: clear the selection. */
  readonly cut: () => void;
  /** Cells pasted from the clipboard, row by row. */
  readonly paste: (block: string[][]) => void;
}

/**
 * Connects the browser's copy, cut and paste (Ctrl/Cmd+C, X, V and the menus) to the grid while
 * the grid element itself has the focus (an open cell editor keeps the browser's own handling).
 * A copy puts the cells on the clipboard as tab-separated text and as an HTML table; a paste
 * reads the tab-separated text Excel, Google Sheets or Tandem put there.
 */
export function useGridClipboard(gridRef: RefObject<HTMLElement | null>, handlers: GridClipboardHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onClipboard = (event: ClipboardEvent) => {
      if (!gridRef.current || document.activeElement !== gridRef.current || !event.clipboardData) return;
      if (event.type === 'paste') {
        event.preventDefault();
        latest.current.paste(parseTsv(event.clipboardData.getData('text/plain')));
        return;
      }
      const block = latest.current.copy();
      if (!block) return;
      event.preventDefault();
      event.clipboardData.setData('text/plain', formatTsv(block));
      event.clipboardData.setData('text/html', formatHtmlTable(block));
      if (event.type === 'cut') latest.current.cut();
    };
    document.addEventListener('copy', onClipboard);
    document.addEventListener('cut', onClipboard);
    document.addEventListener('paste', onClipboard);
    return () => {
      document.removeEventListener('copy', onClipboard);
      document.removeEventListener('cut', onClipboard);
      document.removeEventListener('paste', onClipboard);
    };
  }, [gridRef]);
}
