/**
 * Tab-separated text as spreadsheets put it on the clipboard (Excel, Google Sheets, LibreOffice,
 * Numbers) and as the grid writes it: cells separated by tabs, rows by line breaks (CRLF, LF or
 * CR), and a cell holding a tab, a line break or a double quote written in double quotes with
 * inner quotes doubled.
 */

/**
 * Reads clipboard text into rows of cells, every row as wide as the widest (short rows are padded
 * with empty cells). One line break at the very end is dropped (Excel ends every copy with one).
 * A cell that starts with a quote but is not a well-formed quoted cell is taken literally.
 */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    const quoted = text[i] === '"' ? readQuoted(text, i) : null;
    let end = quoted ? quoted.end : i;
    if (!quoted) while (end < text.length && !isSeparator(text[end])) end += 1;
    row.push(quoted ? quoted.value : text.slice(i, end));
    if (end >= text.length) break;
    if (text[end] === '\t') {
      i = end + 1;
      continue;
    }
    rows.push(row);
    row = [];
    i = text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
    // A line break at the very end closes the last row; it does not open another.
    if (i >= text.length) break;
  }
  if (row.length > 0) rows.push(row);
  const width = Math.max(0, ...rows.map((r) => r.length));
  return rows.map((r) => (r.length < width ? [...r, ...Array<string>(width - r.length).fill('')] : r));
}

function isSeparator(c: string | undefined): boolean {
  return c === '\t' || c === '\n' || c === '\r';
}

/** A quoted cell starting at `start`: its value and the index after its closing quote; null when it is not one. */
function readQuoted(text: string, start: number): { value: string; end: number } | null {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      if (text[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      const next = text[i + 1];
      // Only a quote followed by a separator (or the end) closes the cell.
      if (next === undefined || next === '\t' || next === '\n' || next === '\r') return { value, end: i + 1 };
      return null;
    }
    value += c;
    i += 1;
  }
  return null;
}

/** Writes rows of cells as tab-separated text that spreadsheets (and {@link parseTsv}) read back cell for cell. */
export function formatTsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(quoteCell).join('\t')).join('\n');
}

function quoteCell(cell: string): string {
  return /[\t\n\r"]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Writes rows of cells as an HTML table, the richer clipboard format spreadsheets and documents paste as a table. */
export function formatHtmlTable(rows: readonly (readonly string[])[]): string {
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell).replaceAll('\n', '<br>')}</td>`).join('')}</tr>`).join('');
  return `<meta charset="utf-8"><table><tbody>${body}</tbody></table>`;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
