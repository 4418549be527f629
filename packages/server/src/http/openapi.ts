import { ERROR_CODES, type ErrorCode } from '@tandem/protocol';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * The OpenAPI side of the HTTP API: the shared error shape, helpers the routes' response schemas
 * are built from, and the transform that gives every operation its error responses. Response
 * schemas are serialisers too (fastify encodes every reply with them), so entity schemas are loose
 * objects: a field the schema does not name is still sent, never stripped.
 */

/** The body of every failed request, as the `Error` component of the document. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]).describe('A stable code from the error registry (docs/api.md).'),
      message: z.string().describe('For people; clients decide from `code`.'),
      details: z.record(z.string(), z.unknown()).optional().describe('E.g. `field`, `issues`, the current record of a conflict.'),
    }),
  })
  .register(z.globalRegistry, {
    id: 'Error',
    description: 'Every failed request answers this shape.',
    example: { error: { code: 'not_found', message: 'Record not found.' } },
  });

/**
 * An error response a route documents itself (e.g. `409` of a write with `expected_version`), with
 * the `Error` shape and what the status means there.
 */
export function documentedError(description: string) {
  return described(errorBodySchema, description);
}

/** A success response whose schema is a component, with what the status means there. */
export function described<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** An answer without a body (`204`). */
export const noContent = z.undefined().describe('No content');

/** An ISO-8601 UTC time (a `Date` some services return is sent as one). */
export const timestamp = z
  .custom<string | Date>((v) => typeof v === 'string' || v instanceof Date, 'expected a time')
  .meta({ type: 'string', format: 'date-time', example: '2026-03-02T09:30:00.000Z' });

/** A UUID as the API sends it (not re-validated on the way out). */
export const id = z.string().meta({ format: 'uuid', example: '8d6b2f0e-3c1a-4b7e-9f10-2a4c6e8b0d13' });

/**
 * What a handler may answer for a response schema (fastify types replies by the output): readonly arrays and
 * without the index signature of a loose object, so the protocol's interfaces fit as they are.
 */
export type Wire<T> = T extends Date
  ? T
  : T extends readonly (infer U)[]
    ? readonly Wire<U>[]
    : T extends object
      ? { readonly [K in keyof T as string extends K ? never : K]: Wire<T[K]> }
      : T;

/** A response schema typed for handlers by {@link Wire}. */
export type ResponseSchema<S extends z.ZodType> = z.ZodType<Wire<z.output<S>>, z.input<S>>;

/**
 * A named entity of the API: a loose object (fields it does not name still go out), listed under
 * `name` in the document's components so generated clients get one type for it.
 */
export function entity<S extends z.core.$ZodLooseShape>(
  name: string,
  fields: S,
  description: string,
  example?: Record<string, unknown>,
): ResponseSchema<z.ZodObject<S, z.core.$loose>> {
  return z.looseObject(fields).register(z.globalRegistry, { id: name, description, ...(example ? { example } : {}) }) as never;
}

/** A loose object that is not worth a component of its own (a wrapper around a list, a count). */
export function shape<S extends z.core.$ZodLooseShape>(fields: S): ResponseSchema<z.ZodObject<S, z.core.$loose>> {
  return z.looseObject(fields) as never;
}

/** Who did something: a user's id and name. */
export const actorSchema = entity('Actor', { id, name: z.string() }, 'Who did something.', { id: '8d6b2f0e-3c1a-4b7e-9f10-2a4c6e8b0d13', name: 'Bob Okafor' });

/** The cursor of the next page, null on the last one. */
export const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.');

/** Why each error status is documented, when the route itself does not say. */
const ERROR_REASONS: Readonly<Record<number, string>> = {
  400: 'invalid_input: the request fails validation',
  401: 'unauthenticated: no valid session or token',
  403: 'forbidden: the role does not allow this',
  404: 'not_found: no such resource, or not in a workspace of yours',
  429: 'rate_limited: too many requests',
};

/** Operations anyone may call without logging in. */
const PUBLIC_OPERATIONS = new Set(['POST /api/v1/auth/register', 'POST /api/v1/auth/login', 'GET /api/v1/auth/session']);

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/**
 * `jsonSchemaTransform` plus the error responses every operation can give, each referring to the
 * `Error` component: 400 when it takes input, 401 unless it is public, 403 and 404 when it works on
 * a resource of a workspace, and `default` for the rest (409, 413, 423, 429, 500, 503 — see
 * docs/api.md). A route that declares one of these codes itself keeps its own.
 */
export function openApiTransform(input: TransformInput): ReturnType<typeof jsonSchemaTransform> {
  const result = jsonSchemaTransform(input);
  const schema = result.schema as Record<string, unknown> & { response?: Record<string, unknown>; hide?: boolean };
  if (!input.schema || schema.hide) return result;
  const method = String(input.route.method);
  const operation = `${Array.isArray(input.route.method) ? input.route.method[0] : method} ${input.url}`;
  const takesInput = Boolean(input.schema.body || input.schema.querystring || input.schema.params || input.schema.headers);
  const codes: number[] = [];
  if (takesInput) codes.push(400);
  if (!PUBLIC_OPERATIONS.has(operation)) codes.push(401);
  if (input.url.includes('/:') || input.schema.querystring) codes.push(403, 404);
  if (operation.startsWith('POST /api/v1/auth/')) codes.push(429);
  const response: Record<string, unknown> = { ...schema.response };
  for (const code of codes) response[code] ??= errorResponse(ERROR_REASONS[code] ?? 'Error');
  response.default ??= errorResponse(
    'Any other error of the registry (conflict 409, too_large 413, locked 423, rate_limited 429, internal 500, unavailable 503)',
  );
  return { ...result, schema: { ...schema, response } };
}

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

type TransformObjectInput = Parameters<typeof jsonSchemaTransformObject>[0];

/**
 * `jsonSchemaTransformObject` (every registered schema becomes a component), without the input
 * twins (`RecordInfoInput`, …) it makes of schemas no request uses, so generated clients get one
 * type per entity.
 */
export function openApiDocumentTransform(input: TransformObjectInput): ReturnType<typeof jsonSchemaTransformObject> {
  const doc = jsonSchemaTransformObject(input) as ReturnType<typeof jsonSchemaTransformObject> & { components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas;
  if (!schemas) return doc;
  const refsIn = (value: unknown) => [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] ?? '');
  const used = new Set(refsIn({ ...doc, components: { ...doc.components, schemas: {} } }));
  for (const name of used) for (const ref of refsIn(schemas[name])) used.add(ref);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => !name.endsWith('Input') || used.has(name)));
  return { ...doc, components: { ...doc.components, schemas: kept } } as never;
}
