import { describe, expect, it } from 'vitest';
import { formatHtmlTable, formatTsv, parseTsv } from '../src/grid/clipboard-tsv.ts';

describe('clipboard TSV', () => {
  it('reads a block copied from Excel: CRLF rows and the trailing line break', () => {
    expect(parseTsv('a\tb\r\nc\td\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('reads a block copied from Google Sheets: LF rows, no trailing line break, quoted multi-line cells', () => {
    expect(parseTsv('Title\tNotes\nBolt\t"two\nlines"\nNut\t"say ""hi"""')).toEqual([
      ['Title', 'Notes'],
      ['Bolt', 'two\nlines'],
      ['Nut', 'say "hi"'],
    ]);
  });

  it('keeps empty cells, pads short rows and reads a single value as one cell', () => {
    expect(parseTsv('a\t\tc\nd')).toEqual([
      ['a', '', 'c'],
      ['d', '', ''],
    ]);
    expect(parseTsv('42')).toEqual([['42']]);
    expect(parseTsv('42\n')).toEqual([['42']]);
    expect(parseTsv('')).toEqual([['']]);
  });

  it('takes a cell that only starts with a quote literally', () => {
    expect(parseTsv('"quoted" and more\tx')).toEqual([['"quoted" and more', 'x']]);
    expect(parseTsv('"open\tx')).toEqual([['"open', 'x']]);
  });

  it('writes cells that parse back identically, quoting only where needed', () => {
    const rows = [
      ['plain', 'tab\there', 'line\nbreak'],
      ['"quoted"', '', 'CR\r\nLF'],
    ];
    const text = formatTsv(rows);
    expect(text).toBe('plain\t"tab\there"\t"line\nbreak"\n"""quoted"""\t\t"CR\r\nLF"');
    expect(parseTsv(text)).toEqual(rows);
  });

  it('writes an HTML table with the text escaped', () => {
    expect(formatHtmlTable([['<b>&', 'a\nb']])).toBe('<meta charset="utf-8"><table><tbody><tr><td>&lt;b&gt;&amp;</td><td>a<br>b</td></tr></tbody></table>');
  });
});
