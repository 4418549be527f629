import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnreachable } from '../db/connection-failure.ts';
import { AppError } from '../errors/app-error.ts';

/** PostgreSQL's SQLSTATE for a reference to a row that is not there. */
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Maps every failure to the registry shape `{error: {code, message, details}}`. Unknown
 * exceptions become a 500 that names only the request id; the stack goes to the log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) return reply.status(err.status).send(err.toBody());
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ path: `${err.validationContext ?? ''}${v.instancePath}`, message: v.message }));
      const first = issues[0];
      return reply.status(400).send({
        error: { code: 'invalid_input', message: first ? `${first.path || 'body'}: ${first.message}` : 'Invalid input.', details: { issues } },
      });
    }
    if (err.validation) {
      return reply.status(400).send({ error: { code: 'invalid_input', message: err.message, details: { issues: err.validation } } });
    }
    if (err.statusCode === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ error: { code: 'too_large', message: 'Request body is too large.' } });
    }
    if (err.statusCode === 429) {
      return reply.status(429).send({ error: { code: 'rate_limited', message: 'Too many requests; retry later.' } });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, bad URL.
      const code = err.statusCode === 404 ? 'not_found' : err.statusCode === 415 ? 'invalid_input' : 'invalid_input';
      return reply.status(code === 'not_found' ? 404 : 400).send({ error: { code, message: err.message } });
    }
    if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION) {
      // What the request refers to was deleted while it ran (e.g. on another node).
      return reply.status(404).send({ error: { code: 'not_found', message: 'Something this request refers to no longer exists.' } });
    }
    if (isDatabaseUnreachable(err)) {
      request.log.warn({ err, reqId: request.id }, 'database unreachable');
      return reply.status(503).send({ error: { code: 'unavailable', message: 'The database is unreachable; try again shortly.' } });
    }
    request.log.error({ err, reqId: request.id }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal error.', details: { request_id: request.id } } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` } });
  });
}
