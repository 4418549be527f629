import { clientMessageSchema, type ErrorCode } from '@tandem/protocol';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.ts';
import type { Connection } from './connection.ts';
import { type ConnectionContext, connectionContext } from './connection-context.ts';
import type { HandlerRegistry } from './handler-registry.ts';
import type { SignalRelay } from './signal-relay.ts';

/**
 * Reads the text frames clients send, whatever the transport: one connection's frames are
 * handled one after the other, in arrival order. A frame that is not valid JSON or not a valid
 * client message is answered with `error` (`invalid_input`, with the schema's issues) and changes
 * nothing; a valid one goes to its handler in the registry, whose result is answered with `ack`
 * (when the message carried an `id`) and whose `AppError` is answered with `error`.
 */
export class ClientMessages {
  readonly #inbox = new WeakMap<Connection, Promise<void>>();

  constructor(
    private readonly handlers: HandlerRegistry<ConnectionContext>,
    private readonly relay: SignalRelay,
    private readonly log: Logger,
  ) {}

  /** Queues one text frame from `conn` behind the ones it sent before. */
  receive(conn: Connection, text: string): void {
    const previous = this.#inbox.get(conn) ?? Promise.resolve();
    // Forgotten once handled, so an idle connection keeps no settled promise.
    const next = previous
      .then(() => this.#handle(conn, text))
      .then(() => {
        if (this.#inbox.get(conn) === next) this.#inbox.delete(conn);
      });
    this.#inbox.set(conn, next);
  }

  async #handle(conn: Connection, text: string): Promise<void> {
    if (conn.closed) return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      conn.send({ type: 'error', code: 'invalid_input', message: 'A frame must be one JSON object.' });
      return;
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const maybeId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
      const id = typeof maybeId === 'string' || typeof maybeId === 'number' ? maybeId : undefined;
      conn.send({
        type: 'error',
        ...(id !== undefined ? { id } : {}),
        code: 'invalid_input',
        message: 'The message is not valid.',
        details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
      });
      return;
    }
    const message = parsed.data;
    try {
      const extra = await this.handlers.dispatch(message, connectionContext(conn, this.relay));
      if (message.id !== undefined && extra !== null) conn.send({ type: 'ack', id: message.id, ...extra });
    } catch (err) {
      const appError = err instanceof AppError ? err : null;
      if (!appError) this.log.error({ err, type: message.type }, 'realtime: handling a message failed');
      const code: ErrorCode = appError?.code ?? 'internal';
      conn.send({
        type: 'error',
        ...(message.id !== undefined ? { id: message.id } : {}),
        code,
        message: appError?.message ?? 'Something went wrong.',
        ...(appError?.details ? { details: appError.details } : {}),
      });
    }
  }
}
