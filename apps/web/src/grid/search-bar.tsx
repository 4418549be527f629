import { type KeyboardEvent, useEffect, useRef } from 'react';
import type { TableSearch } from './use-table-search.ts';
import '../styles/table-search.css';

/** The table's search box: the query, "3 of 17", previous and next, and close (Escape). */
export function SearchBar({ search, onClose }: { search: TableSearch; onClose: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      if (event.shiftKey) search.previous();
      else search.next();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
  };
  const { hits, current, query } = search;
  const status =
    query.trim() === ''
      ? ''
      : search.error
        ? search.error
        : search.searching && hits.length === 0
          ? 'Searching…'
          : hits.length === 0
            ? 'No matches'
            : `${current + 1} of ${hits.length}${search.truncated ? '+' : ''}`;
  return (
    <search className="table-search">
      <input
        ref={input}
        type="search"
        className="table-search-input"
        aria-label="Search this table"
        placeholder="Search this table"
        value={query}
        onChange={(e) => search.setQuery(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <span className="table-search-status muted" role="status" aria-live="polite">
        {status}
      </span>
      <button
        type="button"
        className="btn btn-small"
        aria-label="Previous match"
        title="Previous match (Shift+Enter)"
        disabled={hits.length === 0}
        onClick={search.previous}
      >
        ↑
      </button>
      <button type="button" className="btn btn-small" aria-label="Next match" title="Next match (Enter)" disabled={hits.length === 0} onClick={search.next}>
        ↓
      </button>
      <button type="button" className="btn btn-small btn-ghost" aria-label="Close search" title="Close (Escape)" onClick={onClose}>
        ×
      </button>
    </search>
  );
}
