import { type PGlite, parse, protocol } from '@electric-sql/pglite';
import { plannedEachCall, type SqlParam } from './database.ts';

/**
 * Statement texts kept as named prepared statements; past the bound (ad-hoc filter queries) a
 * text is parsed on every call as the unnamed statement, so the session does not accumulate plans
 * without limit.
 */
const MAX_PREPARED = 200;

interface Prepared {
  readonly name: string;
  /** Parameter type oids, as PostgreSQL inferred them when the statement was parsed. */
  readonly types: readonly number[];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Runs parameterised statements on PGlite as named prepared statements. PGlite's `query` parses,
 * analyses and plans its statement on every call (unnamed statement), and in WebAssembly that is
 * most of a statement's cost: a hot write statement took 1.6 ms through `query` and 0.8 ms
 * prepared, a point lookup 0.6 ms and 0.2 ms. Each statement is parsed once; later calls send only
 * Bind, Describe, Execute and Sync in one message, through PGlite's public protocol interface.
 *
 * The caller holds PGlite's exclusivity: PGlite runs one message at a time and a transaction owns
 * the session until it ends (see `run` and `runInTransaction`).
 */
export class PgliteStatements {
  readonly #prepared = new Map<string, Prepared>();

  constructor(private readonly pg: PGlite) {}

  /** Runs `text` outside any transaction, queued behind open transactions like PGlite's `query`. */
  run<T>(text: string, params: readonly SqlParam[]): Promise<T[]> {
    // Same locks as PGlite's own query(): wait for any open transaction, then for the session.
    return this.pg._runExclusiveTransaction(() => this.pg._runExclusiveQuery(() => this.#execute<T>(text, params, true)));
  }

  /** Runs `text` inside the transaction the caller has open (which already owns the session). */
  runInTransaction<T>(text: string, params: readonly SqlParam[]): Promise<T[]> {
    return this.pg._runExclusiveQuery(() => this.#execute<T>(text, params, false));
  }

  async #execute<T>(text: string, params: readonly SqlParam[], sync: boolean): Promise<T[]> {
    const statement = this.#prepared.get(text) ?? (await this.#parse(text));
    const values = params.map((value, i) => this.#serialise(value, statement.types[i] ?? 0));
    const messages = await this.pg.execProtocolStream(
      concat([
        protocol.serialize.bind({ statement: statement.name, values }),
        protocol.serialize.describe({ type: 'P' }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]),
      { syncToFs: false },
    );
    // Outside a transaction PGlite persists after each statement; inside, COMMIT does.
    if (sync) await this.pg.syncToFs();
    return (parse.parseResults(messages, this.pg.parsers)[0]?.rows ?? []) as T[];
  }

  /**
   * Parses `text` and learns its parameter types: as a named statement kept for later calls, or,
   * past the bound, as the unnamed statement (name `''`), which the next parse replaces, as
   * PGlite's own `query` does.
   */
  async #parse(text: string): Promise<Prepared> {
    const name = this.#prepared.size < MAX_PREPARED && !plannedEachCall(text) ? `tandem_${this.#prepared.size + 1}` : '';
    const messages = await this.pg.execProtocolStream(
      concat([protocol.serialize.parse({ name, text }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]),
      { syncToFs: false },
    );
    const statement = { name, types: parse.parseDescribeStatementResults(messages) };
    if (name) this.#prepared.set(text, statement);
    return statement;
  }

  #serialise(value: SqlParam, oid: number): string | null {
    if (value === null || value === undefined) return null;
    const serialise = this.pg.serializers[oid];
    return serialise ? serialise(value) : String(value);
  }
}
