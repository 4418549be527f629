import type { SqlParam } from './database.ts';

/** Collects positional parameters while SQL is built: `add(value)` returns its placeholder (`$1`, `$2`, …). */
export class SqlParams {
  /** The values in placeholder order, for `query(text, params.values)`. */
  readonly values: SqlParam[] = [];

  add(value: SqlParam): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
