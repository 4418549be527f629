import type { ListedRecord } from '@tandem/client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

/** Values a batch write is sending, shown over the records until the record list holds them. */
interface PendingLayer {
  readonly key: number;
  /** Field values by record id. */
  readonly values: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Once the server answered: the version each record was stored at (the layer goes when the list has them all). */
  readonly stored?: ReadonlyMap<string, number>;
}

/** How long an answered layer may wait for the list to catch up (its events lost) before it goes anyway. */
const SETTLE_TIMEOUT_MS = 10_000;

/** The records with pending batch values shown over them (marked `pending`, as the SDK marks its own optimistic writes). */
export function overlayRecords(records: readonly ListedRecord[], layers: readonly PendingLayer[]): readonly ListedRecord[] {
  if (layers.length === 0) return records;
  return records.map((record) => {
    let values: Record<string, unknown> | null = null;
    for (const layer of layers) {
      const patch = layer.values.get(record.id);
      const stored = layer.stored?.get(record.id);
      if (!patch || (stored !== undefined && record.version >= stored)) continue;
      values = { ...(values ?? record.values), ...patch };
    }
    return values ? { ...record, values, pending: true } : record;
  });
}

/**
 * Optimistic display of the grid's batch writes (pastes, fills, clears, undo): their values show
 * at once and stay until the record list has the versions the server stored (its own events
 * arrive a moment after the answer), or disappear when the write fails.
 */
export function usePendingCells(records: readonly ListedRecord[]) {
  const [layers, setLayers] = useState<readonly PendingLayer[]>([]);
  const nextKey = useRef(0);

  const show = useCallback((values: ReadonlyMap<string, Readonly<Record<string, unknown>>>) => {
    nextKey.current += 1;
    const key = nextKey.current;
    if (values.size > 0) setLayers((all) => [...all, { key, values }]);
    return key;
  }, []);
  const settle = useCallback((key: number, stored: readonly { id: string; version: number }[] | null) => {
    if (!stored) {
      setLayers((all) => all.filter((l) => l.key !== key));
      return;
    }
    const versions = new Map(stored.map((r) => [r.id, r.version]));
    setLayers((all) => all.map((l) => (l.key === key ? { ...l, stored: versions } : l)));
    setTimeout(() => setLayers((all) => all.filter((l) => l.key !== key)), SETTLE_TIMEOUT_MS);
  }, []);

  // An answered layer goes once every record it wrote is listed at (at least) the stored version.
  useEffect(() => {
    if (!layers.some((l) => l.stored)) return;
    const version = new Map(records.map((r) => [r.id, r.version]));
    const caughtUp = (l: PendingLayer) => l.stored !== undefined && [...l.stored].every(([id, v]) => (version.get(id) ?? Number.POSITIVE_INFINITY) >= v);
    if (layers.some(caughtUp)) setLayers((all) => all.filter((l) => !caughtUp(l)));
  }, [records, layers]);

  const shown = useMemo(() => overlayRecords(records, layers), [records, layers]);
  return { shown, show, settle };
}
