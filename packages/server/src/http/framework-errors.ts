import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Fastify's `frameworkErrors` option: answers what the router refuses before any route or error
 * handler runs (a path parameter longer than `maxParamLength`, a malformed percent-encoding) in the
 * registry shape. Without it fastify writes its own `{error, code, message, statusCode}` body, and a
 * too-long parameter even gets a 414 that no client knows.
 */
export function answerFrameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path parameter is too long.'
      : err.code === 'FST_ERR_BAD_URL'
        ? 'The URL is not validly percent-encoded.'
        : 'The request cannot be routed.';
  reply.status(400).send({ error: { code: 'invalid_input', message, details: { reason: err.code } } });
}
