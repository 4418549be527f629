import type { FastifyInstance } from 'fastify';
import { errors } from '../errors/app-error.ts';

/** A NUL, or a UTF-16 surrogate without its other half: neither is text PostgreSQL can store. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the NUL is the point.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Where in `value` (a parsed body, query or params) the first string or key holding unstorable
 * text is, as `body.filters[0].field_id`; null when there is none. Walks without recursion, so
 * a deeply nested body cannot overflow the stack. Only what JSON parses to is walked: a streamed
 * body (CSV, multipart) is an object with cycles, not data.
 */
export function findUnstorableText(value: unknown, root: string): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [item, path] = stack.pop() as [unknown, string];
    if (typeof item === 'string') {
      if (UNSTORABLE.test(item)) return path;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${path}[${i}]`]);
    } else if (isPlainObject(item)) {
      for (const [key, child] of Object.entries(item)) {
        if (UNSTORABLE.test(key)) return path;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return null;
}

/**
 * Refuses, before validation and before any handler, a request whose JSON body, query or path
 * holds a NUL or an unpaired surrogate: PostgreSQL rejects both (in text and in jsonb), which
 * surfaced as a 500 from whichever statement met them first. A 400 names where the text is.
 */
export function installUnstorableTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    // The query string parser makes objects of a prototype of its own: copied, they are plain.
    const params = { ...(request.params as object) };
    const query = { ...(request.query as object) };
    const where = findUnstorableText(params, 'params') ?? findUnstorableText(query, 'query') ?? findUnstorableText(request.body, 'body');
    if (where) throw errors.invalid(`${where} holds a NUL character or an unpaired surrogate, which cannot be stored.`, { path: where });
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
