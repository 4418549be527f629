import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/http.ts';
import type { Field, TableRecord } from '../api/types.ts';
import { type CellRef, cellKey } from './grid.tsx';

/** How long typing pauses before the server is asked. */
export const SEARCH_DEBOUNCE_MS = 200;

interface SearchAnswer {
  readonly matches: readonly { readonly record_id: string; readonly field_ids: readonly string[] }[];
  readonly total: number;
  readonly truncated: boolean;
}

/** What the table page gets from {@link useTableSearch}. */
export interface TableSearch {
  readonly query: string;
  setQuery(query: string): void;
  /** Matching cells in the grid's order: rows top to bottom, fields left to right. */
  readonly hits: readonly CellRef[];
  /** Matching cells by {@link cellKey}, for highlighting. */
  readonly hitKeys: ReadonlySet<string>;
  /** Index of the current hit in {@link hits}, or -1. */
  readonly current: number;
  next(): void;
  previous(): void;
  /** Waiting for the server's answer. */
  readonly searching: boolean;
  /** More records match than the server lists. */
  readonly truncated: boolean;
  readonly error: string | null;
}

/**
 * Search across the visible fields of a table, done by the server (`GET /tables/{id}/search`) so
 * it reads every record as stored, and laid over the grid's current rows and columns: hits are
 * the matching cells in the order the grid shows them, stepped through with next and previous.
 * The search runs again when records change, so hits follow others' edits.
 */
export function useTableSearch(tableId: string, fields: readonly Field[], rows: readonly TableRecord[], records: unknown): TableSearch {
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [current, setCurrent] = useState(-1);
  const fieldIds = fields.map((f) => f.id).join(',');
  const asked = useRef(0);

  useEffect(() => {
    const q = query.trim();
    if (q === '' || fieldIds === '') {
      setAnswer(null);
      setSearching(false);
      return;
    }
    setSearching(true);
    const ask = ++asked.current;
    const timer = setTimeout(() => {
      api
        .get<SearchAnswer>(`/tables/${tableId}/search?q=${encodeURIComponent(q)}&fields=${fieldIds}`)
        .then((res) => {
          if (ask !== asked.current) return;
          setAnswer(res);
          setError(null);
        })
        .catch((err: unknown) => {
          if (ask === asked.current) setError(err instanceof Error ? err.message : 'Search failed.');
        })
        .finally(() => {
          if (ask === asked.current) setSearching(false);
        });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `records` changes when anyone's edit lands: the same search is asked again.
  }, [tableId, query, fieldIds, records]);

  const hits = useMemo(() => {
    if (!answer) return [];
    const byRecord = new Map(answer.matches.map((m) => [m.record_id, new Set(m.field_ids)]));
    const out: CellRef[] = [];
    for (const row of rows) {
      const found = byRecord.get(row.id);
      if (!found) continue;
      for (const field of fields) if (found.has(field.id)) out.push({ recordId: row.id, fieldId: field.id });
    }
    return out;
  }, [answer, rows, fields]);
  const hitKeys = useMemo(() => new Set(hits.map((h) => cellKey(h.recordId, h.fieldId))), [hits]);

  // A new query starts at the first hit; a changed list keeps the position where it can.
  const lastQuery = useRef(query);
  useEffect(() => {
    if (lastQuery.current !== query) {
      lastQuery.current = query;
      setCurrent(-1);
    }
    setCurrent((c) => (hits.length === 0 ? -1 : c < 0 ? 0 : Math.min(c, hits.length - 1)));
  }, [hits, query]);

  return {
    query,
    setQuery,
    hits,
    hitKeys,
    current,
    next: () => setCurrent((c) => (hits.length === 0 ? -1 : (c + 1) % hits.length)),
    previous: () => setCurrent((c) => (hits.length === 0 ? -1 : (c - 1 + hits.length) % hits.length)),
    searching,
    truncated: answer?.truncated ?? false,
    error,
  };
}
