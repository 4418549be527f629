import type { FastifyInstance } from 'fastify';

/** A route as `METHOD /path/{param}` (OpenAPI path syntax), e.g. `PATCH /api/v1/records/{id}`. */
export type RouteKey = string;

const DOCUMENTED_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

/** Every operation of the server's OpenAPI document (`/docs/json`). */
export async function documentedRoutes(baseUrl: string): Promise<RouteKey[]> {
  const doc = (await (await fetch(`${baseUrl}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((method) => DOCUMENTED_METHODS.has(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/**
 * Every route fastify itself serves (documented or hidden), read from its route tree
 * (`printRoutes`), without the HEAD routes fastify adds beside each GET. A route hidden from the
 * OpenAPI document still shows up here, so nothing escapes the matrix by not being documented.
 */
export function servedRoutes(app: FastifyInstance): RouteKey[] {
  const out: RouteKey[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = line.match(/^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/u);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const segment = match[2] ?? '';
    while (stack.length > depth) stack.pop();
    const path = (stack.at(-1)?.path ?? '') + segment;
    stack.push({ depth, path });
    const openApiPath = path.replace(/:(\w+)/g, '{$1}');
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
      if (method && method !== 'HEAD') out.push(`${method} ${openApiPath}`);
    }
  }
  return [...new Set(out)];
}
