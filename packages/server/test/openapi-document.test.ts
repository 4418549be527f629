import SwaggerParser from '@apidevtools/swagger-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.ts';

interface Operation {
  readonly operationId?: string;
  readonly responses: Record<string, { content?: Record<string, { schema?: unknown }>; description?: string }>;
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

describe('the OpenAPI document at /docs/json', () => {
  let server: TestServer;
  let doc: Document;
  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
    doc = (await (await fetch(`${server.url}/docs/json`)).json()) as Document;
  });
  afterAll(async () => server?.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => METHODS.has(method))
        .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  it('is a valid OpenAPI document whose every reference resolves', async () => {
    // validate() dereferences (a $ref to a missing component fails) and checks the schema of the document.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(JSON.stringify(doc)).not.toMatch(/#\/components\/schemas\/schema\d/);
  });

  it('declares a 2xx response with its schema (or no content) for every operation', () => {
    // Known gaps, each still to be given its response schema; any other route without one fails here,
    // and a listed route that gains one must leave this list (checked below).
    const notYetDocumented: string[] = [];
    const undocumented = operations()
      .filter(({ op }) => {
        const success = Object.entries(op.responses).filter(([code]) => /^2(\d\d|XX)$/.test(code));
        return !success.some(([code, r]) => code === '204' || (r.content && Object.values(r.content).every((m) => m.schema !== undefined)));
      })
      .map(({ name }) => name);
    expect(
      undocumented.filter((name) => !notYetDocumented.includes(name)),
      'operations without a documented success response',
    ).toEqual([]);
    expect(
      notYetDocumented.filter((name) => !undocumented.includes(name)),
      'documented now: remove from the list',
    ).toEqual([]);
    expect(operations().length).toBeGreaterThan(100);
  });

  it('refers every error response to the one Error component', () => {
    expect(doc.components.schemas.Error).toMatchObject({ type: 'object', properties: { error: { type: 'object' } } });
    for (const { name, op } of operations()) {
      const errors = Object.entries(op.responses).filter(([code]) => code === 'default' || /^[45]/.test(code));
      expect(errors.length, name).toBeGreaterThan(0);
      for (const [code, response] of errors) {
        expect(response.content?.['application/json']?.schema, `${name} ${code}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it('generates TypeScript types with openapi-typescript, with the named entities as components', async () => {
    const ast = await openapiTS(structuredClone(doc) as never);
    const types = astToString(ast);
    expect(types).toContain('"/api/v1/records/{id}"');
    for (const name of ['Error', 'RecordInfo', 'TableInfo', 'FieldInfo', 'Comment', 'NotificationInfo', 'JsonValue']) {
      expect(types, name).toMatch(new RegExp(`\\b${name}: \\{|\\b${name}: `));
    }
    // A record's response is typed, not `unknown`.
    expect(types).toMatch(/version: number/);
  });
});
